import pirk


def test_theories_lists_the_builtins_with_couplings_and_kernels():
    listing = {t["name"]: t for t in pirk.theories()}
    assert {"phi4", "hopping", "hopping-wells", "phi4-0d", "sine-gordon"} <= listing.keys()
    zero_d = listing["phi4-0d"]
    assert zero_d["couplings"] == ["m2", "lambda"]
    assert zero_d["dimensions"] == (0, 0)
    assert zero_d["kernels"] and all(isinstance(k, str) for k in zero_d["kernels"])
    assert listing["hopping"]["couplings"] == ["kappa", "lambda"]
    assert all(t["summary"] for t in listing.values())
