//! Emission: one `Theory` impl whose methods are site sweeps over lowered programs.

use crate::check::Model;
use crate::ir::Expr;
use crate::lower::SiteProgram;
use crate::paths::{lattice, theory_trait};
use crate::symbolic::Derived;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// The generated struct and its `Theory` impl.
pub fn emit(model: &Model, derived: &Derived) -> TokenStream {
    let code = items(model, Some(derived), TokenStream::new());
    let source = format_source(&code);
    let source = quote!(const SOURCE: &'static str = #source;);
    items(model, Some(derived), source)
}

/// The struct with an impl whose methods are unreachable: emitted next to compile errors
/// so that one mistake in a declaration gives one error, not one per use of the type.
pub fn stub(name: &Ident, params: &[String], kernels: &[String]) -> TokenStream {
    let model = Model {
        attrs: vec![],
        vis: syn::parse_quote!(pub),
        name: name.clone(),
        params: params.to_vec(),
        action: Expr::int(0),
        kernels: kernels.iter().map(|k| (k.clone(), Expr::int(0))).collect(),
    };
    items(
        &model,
        None,
        quote!(
            const SOURCE: &'static str = "";
        ),
    )
}

/// prettyplease-formatted Rust.
pub fn format_source(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

fn items(model: &Model, derived: Option<&Derived>, source: TokenStream) -> TokenStream {
    let (attrs, vis, name) = (&model.attrs, &model.vis, &model.name);
    let theory = theory_trait();
    let name_str = name.to_string();
    let params = &model.params;
    let kernels: Vec<&String> = model.kernels.iter().map(|k| &k.0).collect();
    let methods = derived.map_or_else(stub_methods, |d| methods(model, d));
    quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;

        impl #theory for #name {
            const NAME: &'static str = #name_str;
            const PARAMS: &'static [&'static str] = &[#(#params),*];
            const KERNELS: &'static [&'static str] = &[#(#kernels),*];
            #source
            #methods
        }
    }
}

fn stub_methods() -> TokenStream {
    let lat = lattice();
    quote! {
        fn action(&self, _: &#lat, _: &[f64], _: &[f64]) -> f64 { ::core::unreachable!() }
        fn force(&self, _: &#lat, _: &[f64], _: &[f64], _: &mut [f64]) { ::core::unreachable!() }
        fn param_grad(&self, _: &#lat, _: &[f64], _: &[f64], _: &mut [f64]) { ::core::unreachable!() }
        fn kernel(&self, _: &#lat, _: usize, _: &[f64], _: &mut [f64]) { ::core::unreachable!() }
        fn divergence(&self, _: &#lat, _: &[f64], _: &mut [f64]) { ::core::unreachable!() }
        fn stein(&self, _: &#lat, _: &[f64], _: &[f64], _: &mut [f64]) { ::core::unreachable!() }
        fn velocity(&self, _: &#lat, _: &[f64], _: &[f64], _: &mut [f64]) -> f64 { ::core::unreachable!() }
        fn wegner_row(&self, _: &#lat, _: &[f64], _: &[f64], _: &mut [f64], _: &mut [f64]) { ::core::unreachable!() }
    }
}

/// A sweep over all sites: prelude (lengths, couplings, globals), then the site loop whose
/// body computes the program's roots and hands them to `per_site`.
struct Sweep {
    prelude: TokenStream,
    body: TokenStream,
    outputs: Vec<TokenStream>,
}

fn sweep(exprs: &[&Expr], n_params: Option<usize>) -> Sweep {
    let program = SiteProgram::new(exprs);
    let uses = program.uses();
    let mut names = 0;
    let mut prelude = quote! {
        let volume = lat.volume();
        ::core::assert_eq!(phi.len(), volume, "the field has one value per lattice site");
    };
    if let Some(n) = n_params {
        prelude.extend(quote!(::core::assert_eq!(theta.len(), #n, "one value per coupling");));
    }
    for &i in &uses.params {
        let (p, i) = (format_ident!("theta{}", i), Literal::usize_unsuffixed(i));
        prelude.extend(quote!(let #p = theta[#i];));
    }
    if uses.loops {
        prelude.extend(quote!(let ndim = lat.ndim();));
    }
    if uses.dims {
        prelude.extend(quote!(let dims = lat.ndim() as f64;));
    }
    if uses.inv_volume || uses.mean {
        prelude.extend(quote!(let inv_volume = 1.0 / volume as f64;));
    }
    if uses.mean {
        prelude.extend(quote!(let mean = phi.iter().sum::<f64>() * inv_volume;));
    }
    prelude.extend(program.totals(&mut names));
    let (hoisted, body, outputs) = program.site(&mut names);
    prelude.extend(hoisted);
    Sweep {
        prelude,
        body,
        outputs,
    }
}

/// The divergence is exact when no kernel shift wraps onto `x` itself.
fn span_check(derived: &Derived) -> TokenStream {
    let span = derived.kernel_span as usize;
    if span == 0 {
        return TokenStream::new();
    }
    quote! {
        ::core::assert!(
            lat.dims().iter().all(|&d| d > #span),
            "kernel divergences need every lattice extent above {}", #span
        );
    }
}

fn methods(model: &Model, d: &Derived) -> TokenStream {
    let lat = lattice();
    let n_params = model.params.len();
    let n_kernels = model.kernels.len();
    let span = span_check(d);

    let action = {
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&[&d.action], Some(n_params));
        let s = &outputs[0];
        quote! {
            fn action(&self, lat: &#lat, theta: &[f64], phi: &[f64]) -> f64 {
                #prelude
                let mut action = 0.0;
                for x in 0..volume {
                    #body
                    action += #s;
                }
                action
            }
        }
    };

    let force = {
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&[&d.force], Some(n_params));
        let f = &outputs[0];
        quote! {
            fn force(&self, lat: &#lat, theta: &[f64], phi: &[f64], out: &mut [f64]) {
                #prelude
                ::core::assert_eq!(out.len(), volume, "one force per site");
                for x in 0..volume {
                    #body
                    out[x] = #f;
                }
            }
        }
    };

    let accumulate = |outputs: &[TokenStream],
                      target: &TokenStream|
     -> (TokenStream, TokenStream, TokenStream) {
        let accs: Vec<Ident> = (0..outputs.len())
            .map(|i| format_ident!("acc{}", i))
            .collect();
        let idx: Vec<Literal> = (0..outputs.len()).map(Literal::usize_unsuffixed).collect();
        (
            quote!(#(let mut #accs = 0.0;)*),
            quote!(#(#accs += #outputs;)*),
            quote!(#(#target[#idx] = #accs;)*),
        )
    };

    let param_grad = {
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&d.param_grads.iter().collect::<Vec<_>>(), Some(n_params));
        let (init, add, store) = accumulate(&outputs, &quote!(out));
        quote! {
            fn param_grad(&self, lat: &#lat, theta: &[f64], phi: &[f64], out: &mut [f64]) {
                #prelude
                ::core::assert_eq!(out.len(), #n_params, "one gradient per coupling");
                #init
                for x in 0..volume {
                    #body
                    #add
                }
                #store
            }
        }
    };

    let kernel = {
        let arms = d.kernels.iter().enumerate().map(|(j, k)| {
            let Sweep {
                prelude,
                body,
                outputs,
            } = sweep(&[k], None);
            let (j, k) = (Literal::usize_unsuffixed(j), &outputs[0]);
            quote! {
                #j => {
                    #prelude
                    ::core::assert_eq!(out.len(), volume, "one kernel value per site");
                    for x in 0..volume {
                        #body
                        out[x] = #k;
                    }
                }
            }
        });
        quote! {
            fn kernel(&self, lat: &#lat, j: usize, phi: &[f64], out: &mut [f64]) {
                match j {
                    #(#arms)*
                    _ => ::core::panic!("kernel index {} out of range ({} kernels)", j, #n_kernels),
                }
            }
        }
    };

    let divergence = {
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&d.divergences.iter().collect::<Vec<_>>(), None);
        let (init, add, store) = accumulate(&outputs, &quote!(out));
        quote! {
            fn divergence(&self, lat: &#lat, phi: &[f64], out: &mut [f64]) {
                #prelude
                #span
                ::core::assert_eq!(out.len(), #n_kernels, "one divergence per kernel");
                #init
                for x in 0..volume {
                    #body
                    #add
                }
                #store
            }
        }
    };

    // Stein rows: divergences, kernels and the force in one sweep.
    let stein_exprs: Vec<&Expr> = d
        .divergences
        .iter()
        .chain(&d.kernels)
        .chain([&d.force])
        .collect();
    let stein_terms = |outputs: &[TokenStream]| -> Vec<TokenStream> {
        let force = &outputs[2 * n_kernels];
        (0..n_kernels)
            .map(|j| {
                let k = &outputs[n_kernels + j];
                if d.divergences[j].is_zero() {
                    quote!(-(#k * #force))
                } else {
                    let div = &outputs[j];
                    quote!(#div - #k * #force)
                }
            })
            .collect()
    };

    let stein = {
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&stein_exprs, Some(n_params));
        let (init, add, store) = accumulate(&stein_terms(&outputs), &quote!(out));
        quote! {
            fn stein(&self, lat: &#lat, theta: &[f64], phi: &[f64], out: &mut [f64]) {
                #prelude
                #span
                ::core::assert_eq!(out.len(), #n_kernels, "one Stein row entry per kernel");
                #init
                for x in 0..volume {
                    #body
                    #add
                }
                #store
            }
        }
    };

    let velocity = {
        let exprs: Vec<&Expr> = d.kernels.iter().chain(&d.divergences).collect();
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&exprs, None);
        let ks: Vec<Ident> = (0..n_kernels).map(|j| format_ident!("k{}", j)).collect();
        let idx: Vec<Literal> = (0..n_kernels).map(Literal::usize_unsuffixed).collect();
        let (kern, div) = outputs.split_at(n_kernels);
        let (div_ks, div): (Vec<&Ident>, Vec<&TokenStream>) = ks
            .iter()
            .zip(div)
            .zip(&d.divergences)
            .filter(|(_, e)| !e.is_zero())
            .map(|(p, _)| p)
            .unzip();
        let divergence_step = if div.is_empty() {
            quote!()
        } else {
            quote!(divergence += #(#div_ks * #div)+*;)
        };
        quote! {
            fn velocity(&self, lat: &#lat, k: &[f64], phi: &[f64], out: &mut [f64]) -> f64 {
                #prelude
                #span
                ::core::assert_eq!(k.len(), #n_kernels, "one coefficient per kernel");
                ::core::assert_eq!(out.len(), volume, "one velocity per site");
                #(let #ks = k[#idx];)*
                let mut divergence = 0.0;
                for x in 0..volume {
                    #body
                    out[x] = #(#ks * #kern)+*;
                    #divergence_step
                }
                divergence
            }
        }
    };

    let wegner_row = {
        let exprs: Vec<&Expr> = stein_exprs.iter().copied().chain(&d.param_grads).collect();
        let Sweep {
            prelude,
            body,
            outputs,
        } = sweep(&exprs, Some(n_params));
        let mut terms = stein_terms(&outputs);
        let n_row = terms.len();
        terms.extend(outputs[2 * n_kernels + 1..].iter().cloned());
        let (init, add, _) = accumulate(&terms, &quote!(row));
        let accs: Vec<Ident> = (0..terms.len())
            .map(|i| format_ident!("acc{}", i))
            .collect();
        let (row_accs, grad_accs) = accs.split_at(n_row);
        let row_idx: Vec<Literal> = (0..n_row).map(Literal::usize_unsuffixed).collect();
        let grad_idx: Vec<Literal> = (0..grad_accs.len())
            .map(Literal::usize_unsuffixed)
            .collect();
        quote! {
            fn wegner_row(&self, lat: &#lat, theta: &[f64], phi: &[f64], row: &mut [f64], dtheta: &mut [f64]) {
                #prelude
                #span
                ::core::assert_eq!(row.len(), #n_kernels, "one row entry per kernel");
                ::core::assert_eq!(dtheta.len(), #n_params, "one gradient per coupling");
                #init
                for x in 0..volume {
                    #body
                    #add
                }
                #(row[#row_idx] = #row_accs;)*
                #(dtheta[#grad_idx] = #grad_accs;)*
            }
        }
    };

    quote! { #action #force #param_grad #kernel #divergence #stein #velocity #wegner_row }
}
