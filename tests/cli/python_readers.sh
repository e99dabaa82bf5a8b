#!/bin/sh
# The results as users read them: h5py and xarray (engine h5netcdf) open the
# baseline's file with named dimensions; the 2020 totals equal the 7th census
# of 新郑市 (60+ 122,867; 65+ 88,558; 80+ 16,229) and beds_required equals
# ceil(40 x elderly / 1000) on the stored values.  python_readers.sh BIN SRC
set -eu
bin=$1 src=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$bin" run -q "$src/scenarios/xinzheng.ini" -o "$d/x.h5" --set population.replicates=20
/usr/bin/python3 - "$d/x.h5" <<'PY'
import sys
import h5py, numpy as np, xarray as xr
path = sys.argv[1]
f = h5py.File(path, "r")
assert [d.label for d in f["pop_60plus"].dims] == ["year", "township"], f["pop_60plus"].dims
i = list(f["year"][()]).index(2020)
for name, want in (("pop_60plus", 122867), ("pop_65plus", 88558), ("pop_80plus", 16229)):
    got = f[name][i].sum()
    assert got == want, (name, got, want)
assert np.array_equal(f["beds_required"][()], np.ceil(40 * f["elderly"][()] / 1000))
assert f["township_name"].asstr()[1] == "新村镇"
assert "scenario_ini" in f.attrs and "beds_per_1000 = 40" in f.attrs["scenario_ini"]
ds = xr.open_dataset(path, engine="h5netcdf")
assert ds.pop_60plus.dims == ("year", "township")
assert ds.pop_60plus_q.dims == ("quantile", "year", "township")
assert float(ds.pop_60plus.sel(year=2020).sum()) == 122867
assert list(ds["quantile"].values) == [0.05, 0.5, 0.95]  # ds.quantile is a method
q = ds.city_elderly_q.sel(year=2035).values
assert q[0] <= q[1] <= q[2]
assert ds.beds_required.attrs["units"] == "beds"
print("h5py and xarray read the results; census totals and the bed formula hold")
PY
