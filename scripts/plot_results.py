#!/usr/bin/python3
"""Plot one township's beds required (or elderly) over the years from an
eldercap results file, with the Monte Carlo band when `<var>_q` exists.

Debian packages: python3-h5py, python3-matplotlib.

    scripts/plot_results.py results/xinzheng.h5 --township 新村镇 -o xincun.png
    scripts/plot_results.py results/xinzheng.h5 --township 410184101000 --var elderly

Dimensions are read by name from the HDF5 dimension scales (h5py `dims`), so the
script works whether or not the file has a leading `scenario` axis (choose one
with --scenario N, default 0). xarray users: xr.open_dataset(path,
engine="h5netcdf", phony_dims="access") gives the same named dimensions.
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402


def dim_names(ds):
    return [d[0].name.lstrip("/") if len(d) else "" for d in ds.dims]


def pick(ds, want, fixed):
    """Index ds so that only the axes in `want` remain (in that order)."""
    names = dim_names(ds)
    idx = tuple(fixed.get(n, slice(None)) for n in names)
    kept = [n for n in names if n not in fixed]
    if kept != want:
        sys.exit(f"{ds.name}: axes {names}, expected {want} after fixing {list(fixed)}")
    return ds[idx]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results")
    ap.add_argument("--township", required=True, help="Chinese name, pinyin or code")
    ap.add_argument("--var", default="beds_required", choices=["beds_required", "elderly"])
    ap.add_argument("--scenario", type=int, default=0)
    ap.add_argument("-o", "--output", default="township.png")
    a = ap.parse_args()

    with h5py.File(a.results, "r") as f:
        names = [s.decode() if isinstance(s, bytes) else s for s in f["township_name"][:]]
        codes = [s.decode() if isinstance(s, bytes) else s for s in f["township_code"][:]]
        pinyin = [s.decode() if isinstance(s, bytes) else s
                  for s in f["township_name_pinyin"][:]] if "township_name_pinyin" in f else names
        hits = [i for i in range(len(names))
                if a.township in (names[i], codes[i], pinyin[i]) or names[i].startswith(a.township)
                or pinyin[i].lower().startswith(a.township.lower())]
        if len(hits) != 1:
            sys.exit(f"township '{a.township}' matches {len(hits)} townships; choose one of: "
                     + ", ".join(names))
        u = hits[0]
        years = f["year"][:]
        fixed = {"township": u}
        if "scenario" in f:
            fixed["scenario"] = a.scenario
        var = f[a.var]
        y = pick(var, ["year"], fixed)
        units = var.attrs.get("units", b"")
        units = units.decode() if isinstance(units, bytes) else units
        # a CJK font if one is installed (fonts-noto-cjk), pinyin otherwise
        cjk = [x.name for x in matplotlib.font_manager.fontManager.ttflist if "CJK SC" in x.name
               or "CJK" in x.name]
        if cjk:
            plt.rcParams["font.family"] = sorted(cjk, key=lambda n: "SC" not in n)[0]
        title = f"{names[u]} ({pinyin[u]})" if cjk else pinyin[u]
        fig, ax = plt.subplots(figsize=(7, 4))
        qname = a.var + "_q"
        if qname in f and "quantile" in f:
            q = f["quantile"][:]
            band = pick(f[qname], ["quantile", "year"], fixed)
            ax.fill_between(years, band[0], band[-1], alpha=0.3, color="tab:blue",
                            label=f"P{100 * q[0]:g}–P{100 * q[-1]:g} (Monte Carlo)")
        ax.plot(years, y, color="tab:blue", lw=2, label=f"{a.var} (deterministic)")
        if a.var == "beds_required" and "beds_available" in f:
            ax.plot(years, pick(f["beds_available"], ["year"], fixed), color="tab:red",
                    ls="--", label="beds_available")
        ax.set_title(title)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_xlabel("year")
        ax.set_ylabel(f"{a.var} ({units})")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(a.output, dpi=120)
    print(a.output)


if __name__ == "__main__":
    main()
