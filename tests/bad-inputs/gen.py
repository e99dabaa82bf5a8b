#!/usr/bin/env python3
"""Generate the bad-input catalogue (tests/bad-inputs/<case>/).

Each case is a directory with its input files and a case.txt:
    # what is wrong
    cmd: eldercap check s.ini
    exit: 1
    pattern: s\\.ini:3:.*beds_per_100
`cmd` runs in the case directory ($TMP is a fresh empty directory for
outputs), `pattern` is an extended regex that stdout+stderr must match.
Derived from the real Xinzheng inputs in data/ so that each case differs from
a valid input in exactly one way. Run from anywhere; rewrites every case.
The generated files are committed: running the catalogue needs no Python.
"""
import math
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = "../../../data"  # from a case directory
XZ = os.path.join(ROOT, "data", "xinzheng")


# ---- shapefile / DBF (enough of the formats to write broken ones) ---------
def read_shp(path):
    b = open(path, "rb").read()
    shapes = []
    i = 100
    while i + 8 <= len(b):
        _, clen = struct.unpack(">2i", b[i:i + 8])
        c = b[i + 8:i + 8 + 2 * clen]
        st = struct.unpack("<i", c[:4])[0]
        np_, nv = struct.unpack("<2i", c[36:44])
        parts = list(struct.unpack("<%di" % np_, c[44:44 + 4 * np_]))
        o = 44 + 4 * np_
        pts = [struct.unpack("<2d", c[o + 16 * k:o + 16 * k + 16]) for k in range(nv)]
        shapes.append((st, parts, pts))
        i += 8 + 2 * clen
    return shapes


def shp_bytes(shapes, stype=5):
    recs, offs = [], []
    off = 50
    allx = [p[0] for s in shapes for p in s[2] if math.isfinite(p[0])] or [0]
    ally = [p[1] for s in shapes for p in s[2] if math.isfinite(p[1])] or [0]
    for n, (st, parts, pts) in enumerate(shapes):
        if st == 1:  # point
            c = struct.pack("<i2d", 1, pts[0][0], pts[0][1])
        else:
            xs = [p[0] for p in pts] or [0]
            ys = [p[1] for p in pts] or [0]
            c = struct.pack("<i4d2i", st, min(xs), min(ys), max(xs), max(ys),
                            len(parts), len(pts))
            c += struct.pack("<%di" % len(parts), *parts)
            for p in pts:
                c += struct.pack("<2d", *p)
        recs.append(struct.pack(">2i", n + 1, len(c) // 2) + c)
        offs.append((off, len(c) // 2))
        off += 4 + len(c) // 2

    def header(length_words):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_words) +
                struct.pack("<2i", 1000, stype) +
                struct.pack("<8d", min(allx), min(ally), max(allx), max(ally), 0, 0, 0, 0))
    shp = header(off) + b"".join(recs)
    shx = header(50 + 4 * len(offs)) + b"".join(struct.pack(">2i", o, l) for o, l in offs)
    return shp, shx


def read_dbf(path):
    b = open(path, "rb").read()
    n = struct.unpack("<I", b[4:8])[0]
    hl, rl = struct.unpack("<HH", b[8:12])
    fields = []
    i = 32
    while b[i] != 0x0D:
        f = b[i:i + 32]
        fields.append([f[:11].rstrip(b"\0").decode(), chr(f[11]), f[16], f[17]])
        i += 32
    recs = []
    for r in range(n):
        raw = b[hl + r * rl:hl + (r + 1) * rl]
        o = 1
        row = {}
        for name, _, w, _ in fields:
            row[name] = raw[o:o + w]
            o += w
        recs.append(row)
    return fields, recs


def dbf_bytes(fields, recs, nrec=None):
    rl = 1 + sum(f[2] for f in fields)
    hl = 32 + 32 * len(fields) + 1
    n = len(recs) if nrec is None else nrec
    h = struct.pack("<B3BIHH20x", 3, 124, 1, 1, n, hl, rl)
    for name, t, w, dec in fields:
        h += struct.pack("<11sc4xBB14x", name.encode(), t.encode(), w, dec)
    h += b"\x0d"
    body = b""
    for r in recs:
        body += b" "
        for name, t, w, dec in fields:
            v = r.get(name, b"")
            if isinstance(v, str):
                v = v.encode()
            v = v[:w]
            body += (v.rjust(w) if t in "NF" else v.ljust(w))
    return h + body + b"\x1a"


def fmt(v, w):
    return str(v).rjust(w).encode()


SHAPES = read_shp(os.path.join(XZ, "townships.shp"))
FIELDS, RECS = read_dbf(os.path.join(XZ, "townships.dbf"))
PRJ = open(os.path.join(XZ, "townships.prj"), "rb").read()
CPG = b"UTF-8"

BASE_INI = """[scenario]
name = bad
title = bad-input case
start_year = 2020
base_year = 2020
horizon_year = 2021
as_of = 2018-06-30
[data]
townships = {townships}
township_code_field = CODE
township_name_field = NAME_ZH
township_weights = field
township_weight_field = POP
census = {census}
census_area = 410184
mortality = {D}/wpp2024/wpp2024_china_mx_abridged_1950_2100.csv
fertility = {D}/wpp2024/wpp2024_china_fertility_asfr5_1950_2100.csv
crs = EPSG:4547
{facilities}[capacity]
beds_per_1000 = 40
home_deadline = 2018-06-30
[output]
summary_years = 2020, 2021
"""


def ini(townships=None, census=None, facilities=None, extra=""):
    t = townships or DATA + "/xinzheng/townships.shp"
    c = census or DATA + "/xinzheng/census_age_sex.csv"
    f = "facilities = %s\n" % facilities if facilities else ""
    return BASE_INI.format(townships=t, census=c, D=DATA, facilities=f) + extra


CASES = []


def case(name, desc, cmd, exit_code, pattern, files):
    CASES.append((name, desc, cmd, exit_code, pattern, files))


def layer(shapes=None, fields=None, recs=None, prj=PRJ, drop=(), shp=None, shx=None,
          dbf=None, stype=5):
    s, x = shp_bytes(shapes if shapes is not None else SHAPES, stype)
    files = {
        "townships.shp": shp if shp is not None else s,
        "townships.shx": shx if shx is not None else x,
        "townships.dbf": dbf if dbf is not None else
        dbf_bytes(fields or FIELDS, recs if recs is not None else RECS),
        "townships.prj": prj,
        "townships.cpg": CPG,
        "s.ini": ini(townships="townships.shp"),
    }
    for d in drop:
        del files[d]
    return files


def recs_with(i, **kv):
    rr = [dict(r) for r in RECS]
    for k, v in kv.items():
        w = [f for f in FIELDS if f[0] == k][0]
        if isinstance(v, bytes):
            rr[i][k] = v
        else:
            rr[i][k] = fmt(v, w[2]) if w[1] == "N" else v.encode()
    return rr


CHECK = "eldercap check s.ini"
SHP_SHAPES = [list(s) for s in SHAPES]

# ---- scenario INI ---------------------------------------------------------
case("ini-unknown-key", "a misspelt key", CHECK, 1, r"s\.ini:20:.*beds_per_100",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_100 = 40")})
case("ini-unknown-section", "a section that does not exist", CHECK, 1, r"s\.ini:2[0-9]:.*(capacty|section)",
     {"s.ini": ini().replace("[capacity]", "[capacty]")})
case("ini-duplicate-key", "the same key twice", CHECK, 1, r"s\.ini:22:.*(duplicate|twice|again|already).*beds_per_1000|s\.ini:22:.*beds_per_1000.*(duplicate|twice|again|already)",
     {"s.ini": ini().replace("home_deadline = 2018-06-30\n", "home_deadline = 2018-06-30\nbeds_per_1000 = 45\n")})
case("ini-long-line", "a line over 200 bytes (inih would split it)", CHECK, 1, r"s\.ini:3:.*(long|bytes)",
     {"s.ini": ini().replace("title = bad-input case", "title = " + "x" * 230)})
case("ini-not-a-number", "a word where a number belongs", CHECK, 1, r"s\.ini:20:.*(forty|number)",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_1000 = forty")})
case("ini-negative-beds", "negative beds per 1,000", CHECK, 1, r"s\.ini:20:.*(-40|negative|range|>=|at least|outside)",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_1000 = -40")})
case("ini-nan", "NaN as a value", CHECK, 1, r"s\.ini:20:.*(nan|NaN|number|finite)",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_1000 = nan")})
case("ini-inf", "infinity as a value", CHECK, 1, r"s\.ini:20:.*(inf|number|finite|range)",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_1000 = inf")})
case("ini-huge-year", "a year beyond any range", CHECK, 1, r"s\.ini:6:.*(horizon_year|range|number)",
     {"s.ini": ini().replace("horizon_year = 2021", "horizon_year = 99999999999999999999")})
case("ini-huge-number", "1e400 overflows a double", CHECK, 1, r"s\.ini:20:.*(1e400|number|finite|range)",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_1000 = 1e400")})
case("ini-bad-date", "30 February", CHECK, 1, r"s\.ini:21:.*(date|2018-02-30)",
     {"s.ini": ini().replace("home_deadline = 2018-06-30", "home_deadline = 2018-02-30")})
case("ini-date-format", "a date not in YYYY-MM-DD", CHECK, 1, r"s\.ini:7:.*(date|30/06/2018|YYYY)",
     {"s.ini": ini().replace("as_of = 2018-06-30", "as_of = 30/06/2018")})
case("ini-invalid-utf8", "a title in GBK, not UTF-8", CHECK, 1, r"s\.ini.*UTF-8",
     {"s.ini": ini().encode().replace(b"bad-input case", "新郑".encode("gbk"))})
case("ini-nul-byte", "a NUL byte inside the file", CHECK, 1, r"s\.ini:2:",
     {"s.ini": ini().encode().replace(b"name = bad", b"name = b\0ad")})
case("ini-malformed-line", "a line with no '='", CHECK, 1, r"s\.ini:20:",
     {"s.ini": ini().replace("beds_per_1000 = 40", "beds_per_1000 40")})
case("ini-empty-file", "an empty scenario (no inputs named)", CHECK, 1, r"eldercap: .*s\.ini",
     {"s.ini": ""})
case("ini-missing-file", "the scenario file does not exist", "eldercap check nothere.ini", 1,
     r"nothere\.ini.*(cannot open|No such)", {})
case("ini-base-after-horizon", "base_year after horizon_year", CHECK, 1, r"s\.ini.*(base_year|horizon)",
     {"s.ini": ini().replace("horizon_year = 2021", "horizon_year = 2019")})
case("ini-quantile-range", "a quantile outside (0,1)", CHECK, 1, r"s\.ini:2[0-9]:.*quantile",
     {"s.ini": ini(extra="[population]\nquantiles = 0.05, 1.5\n")})
case("ini-crs-unknown", "a working CRS PROJ does not know", CHECK, 1, r"s\.ini.*(EPSG:999999|CRS)",
     {"s.ini": ini().replace("crs = EPSG:4547", "crs = EPSG:999999")})
case("ini-crs-geographic", "a working CRS in degrees", CHECK, 1, r"s\.ini.*(projected|degrees|metric)",
     {"s.ini": ini().replace("crs = EPSG:4547", "crs = EPSG:4326")})
case("ini-census-missing", "the census file named does not exist", CHECK, 1, r"nothere\.csv",
     {"s.ini": ini(census="nothere.csv")})
case("set-no-equals", "--set without '='", CHECK + " --set capacity.beds_per_1000", 2,
     r"(--set|section\.key=value)", {"s.ini": ini()})
case("set-unknown-key", "--set of a key that does not exist", CHECK + " --set capacity.nope=1", 1,
     r"--set.*nope", {"s.ini": ini()})
case("set-negative", "--set of a negative bed count", CHECK + " --set capacity.home_min_beds=-200", 1,
     r"--set.*home_min_beds", {"s.ini": ini()})

# ---- township layer (shapelib, DBF, PRJ) ---------------------------------
full = layer()
case("shp-truncated", "the .shp cut in the middle of a record", CHECK, 1, r"townships\.shp",
     dict(full, **{"townships.shp": full["townships.shp"][:len(full["townships.shp"]) // 2]}))
case("shp-empty", "a zero-byte .shp", CHECK, 1, r"townships\.shp", dict(full, **{"townships.shp": b""}))
_, shx_short = shp_bytes(SHAPES[:-3])
case("shx-fewer-records", ".shx indexes 9 shapes, .shp and .dbf hold 12", CHECK, 1,
     r"townships\.shp.*(records|shapes|12|9)", dict(full, **{"townships.shx": shx_short}))
bad_shx = bytearray(full["townships.shx"])
struct.pack_into(">i", bad_shx, 100 + 8 * 4, 7)  # record 5 points into the file header
case("shx-bad-offset", ".shx offset of a record points at the wrong place", CHECK, 1,
     r"townships\.shp.*(shape|record) 5", dict(full, **{"townships.shx": bytes(bad_shx)}))
case("shx-missing", "no .shx beside the .shp", CHECK, 1, r"townships\.shp",
     layer(drop=("townships.shx",)))
case("dbf-missing", "no .dbf beside the .shp", CHECK, 1, r"townships\.shp.*\.dbf",
     layer(drop=("townships.dbf",)))
case("prj-missing", "no .prj: the CRS is unknown", CHECK, 1, r"townships\.shp.*\.prj",
     layer(drop=("townships.prj",)))
case("prj-garbage", "a .prj PROJ cannot read", CHECK, 1, r"townships\.prj.*(CRS|PROJ)",
     layer(prj=b'GEOGCS["nonsense",DATUM[oops'))
case("prj-empty", "a zero-byte .prj", CHECK, 1, r"townships\.prj.*empty", layer(prj=b""))
case("shp-point-layer", "a point layer where polygons are needed", CHECK, 1, r"townships\.shp.*(polygon|type)",
     layer(shapes=[(1, [0], [s[2][0]]) for s in SHAPES], stype=1))
nan_shapes = [list(s) for s in SHAPES]
nan_shapes[3] = (5, nan_shapes[3][1], [(float("nan"), y) if k == 2 else (x, y)
                                        for k, (x, y) in enumerate(nan_shapes[3][2])])
case("shp-nan-coordinate", "a NaN vertex in shape 4", CHECK, 1, r"townships\.shp:4:.*(finite|coordinate|NaN)",
     layer(shapes=nan_shapes))
inf_shapes = [list(s) for s in SHAPES]
inf_shapes[0] = (5, inf_shapes[0][1], [(x, float("inf")) if k == 1 else (x, y)
                                        for k, (x, y) in enumerate(inf_shapes[0][2])])
case("shp-inf-coordinate", "an infinite vertex in shape 1", CHECK, 1, r"townships\.shp:1:.*(finite|coordinate)",
     layer(shapes=inf_shapes))
huge_shapes = [list(s) for s in SHAPES]
huge_shapes[1] = (5, huge_shapes[1][1], [(x * 1e300, y) for (x, y) in huge_shapes[1][2]])
case("shp-huge-coordinate", "vertices at 1e302 degrees", CHECK, 1, r"townships\.shp:2:",
     layer(shapes=huge_shapes))
open_shapes = [list(s) for s in SHAPES]
p0 = open_shapes[2][2]
open_shapes[2] = (5, [0], p0[:3])
case("shp-three-points", "a ring of three points", CHECK, 1, r"townships\.shp:3:",
     layer(shapes=open_shapes))
flat = [list(s) for s in SHAPES]
x0, y0 = flat[5][2][0]
flat[5] = (5, [0], [(x0, y0), (x0 + 0.01, y0), (x0, y0), (x0 + 0.01, y0), (x0, y0)])
case("shp-zero-area", "a degenerate ring of zero area", CHECK, 1, r"townships\.shp:6:.*(area|polygon)",
     layer(shapes=flat))
case("dbf-fewer-records", ".dbf has 11 records, .shp 12 shapes", CHECK, 1,
     r"townships\.shp.*(11|records)", layer(recs=RECS[:-1]))
case("dbf-pop-text", "POP as a character field holding words", CHECK, 1, r"townships\.shp:2:.*POP",
     layer(fields=[f if f[0] != "POP" else ["POP", "C", 10, 0] for f in FIELDS],
           recs=recs_with(1, POP=b"many      ")))
case("dbf-pop-negative", "a negative population", CHECK, 1, r"townships\.shp:7:.*POP.*negative",
     layer(recs=recs_with(6, POP=-5000)))
case("dbf-pop-nan", "NaN population in a numeric field", CHECK, 1, r"townships\.shp:4:.*POP",
     layer(recs=recs_with(3, POP="nan")))
case("dbf-pop-huge", "a population of 1e999", CHECK, 1, r"townships\.shp:5:.*POP",
     layer(fields=[f if f[0] != "POP" else ["POP", "N", 12, 0] for f in FIELDS],
           recs=recs_with(4, POP=b"1e999")))
case("dbf-no-pop-field", "the DBF lacks the population field", CHECK, 1, r"townships\.shp.*POP",
     layer(fields=[f if f[0] != "POP" else ["POPX", "N", 10, 0] for f in FIELDS],
           recs=[dict(r, POPX=r["POP"]) for r in RECS]))
case("dbf-no-code-field", "the DBF lacks the code field", CHECK, 1, r"townships\.shp.*CODE",
     layer(fields=[f if f[0] != "CODE" else ["GBCODE", "C", 40, 0] for f in FIELDS],
           recs=[dict(r, GBCODE=r["CODE"]) for r in RECS]))
case("dbf-duplicate-code", "two townships with the same code", CHECK, 1, r"townships\.shp:9:.*CODE.*(twice|duplicate)",
     layer(recs=recs_with(8, CODE=RECS[2]["CODE"])))
case("dbf-empty-code", "a township with no code", CHECK, 1, r"townships\.shp:10:.*CODE",
     layer(recs=recs_with(9, CODE=b"")))
case("dbf-invalid-utf8", "a name in GBK in a UTF-8 layer", CHECK, 1, r"townships\.shp:11:.*UTF-8",
     layer(recs=recs_with(10, NAME_ZH="新郑".encode("gbk"))))
case("dbf-zero-weights", "every population is 0", CHECK, 1, r"townships\.shp.*(zero|sum)",
     layer(recs=[dict(r, POP=fmt(0, 10)) for r in RECS]))
case("dbf-garbage", "a .dbf that is not a dBase file", CHECK, 1, r"townships\.shp.*dbf",
     dict(full, **{"townships.dbf": b"this is not a dbf file at all\n" * 4}))

# ---- census CSV ----------------------------------------------------------
CENSUS = open(os.path.join(XZ, "census_age_sex.csv"), encoding="utf-8").read()
cl = CENSUS.splitlines(True)


def census_case(name, desc, text, pattern):
    case(name, desc, CHECK, 1, pattern,
         {"census.csv": text, "s.ini": ini(census="census.csv")})


census_case("census-empty", "a zero-byte census CSV", "", r"census\.csv.*(empty|header)")
census_case("census-header-only", "a header and no rows", cl[0], r"census\.csv.*(410184|no rows|rows)")
hdr = cl[0].rstrip("\n").split(",")
census_case("census-missing-column", "no 'female' column",
            "".join(",".join(x for i, x in enumerate(l.rstrip("\n").split(",")) if hdr[i] != "female") + "\n"
                    for l in cl), r"census\.csv.*female")


def census_cell(line_no, col, value):
    ls = list(cl)
    parts = ls[line_no - 1].rstrip("\n").split(",")
    parts[hdr.index(col)] = value
    ls[line_no - 1] = ",".join(parts) + "\n"
    return "".join(ls)


census_case("census-negative", "a negative count", census_cell(25, "male", "-12"), r"census\.csv:25:.*male")
census_case("census-nan", "NaN as a count", census_cell(26, "female", "NaN"), r"census\.csv:26:.*female")
census_case("census-inf", "inf as a count", census_cell(27, "male", "inf"), r"census\.csv:27:.*male")
census_case("census-huge", "1e400 as a count", census_cell(28, "male", "1e400"), r"census\.csv:28:.*male")
census_case("census-text", "a word as a count", census_cell(29, "female", "many"), r"census\.csv:29:.*female")
census_case("census-bad-age-group", "an age group that is not one", census_cell(24, "age_group", "5-x"),
            r"census\.csv:24:.*age")
census_case("census-duplicate-row", "the same age group twice", "".join(cl[:22] + [cl[21]] + cl[22:]),
            r"census\.csv:23:.*age")
census_case("census-unterminated-quote", "a quote that never closes", "".join(cl[:3] + ['"2020,410184\n'] + cl[3:]),
            r"census\.csv:4:.*(quote|unterminated)")
census_case("census-field-count", "a row with one field too many", "".join(cl[:3] + [cl[3].rstrip("\n") + ",9\n"] + cl[4:]),
            r"census\.csv:4:.*(fields|columns)")
census_case("census-invalid-utf8", "a GBK area name", CENSUS.encode().replace("新郑市".encode(), "新郑市".encode("gbk"), 1),
            r"census\.csv:[0-9]+:.*UTF-8")
census_case("census-wrong-area", "no rows for the census_area asked for", CENSUS.replace("410184", "410185"),
            r"census\.csv.*410184")

# ---- facilities CSV ------------------------------------------------------
FAC_OK = ("id,township,beds,medical,opening_year\n"
          "f1,410184001000,120,1,2016\n"
          "f2,410184101000,80,0,2019\n")


def fac_case(name, desc, text, pattern):
    case(name, desc, CHECK, 1, pattern, {"fac.csv": text, "s.ini": ini(facilities="fac.csv")})


fac_case("fac-duplicate-id", "two homes with one id", FAC_OK + "f1,410184102000,50,0,2017\n",
         r"fac\.csv:4:.*(id|duplicate|twice)")
fac_case("fac-negative-beds", "negative beds", FAC_OK.replace(",80,", ",-80,"), r"fac\.csv:3:.*beds")
fac_case("fac-nan-beds", "NaN beds", FAC_OK.replace(",80,", ",nan,"), r"fac\.csv:3:.*beds")
fac_case("fac-unknown-township", "a township code not in the layer", FAC_OK.replace("410184101000", "410184999000"),
         r"fac\.csv:3:.*(township|410184999000)")
fac_case("fac-missing-beds", "no beds column", "id,township\nf1,410184001000\n", r"fac\.csv.*beds")
fac_case("fac-bad-date", "an opening date of 2019-13-01",
         "id,township,beds,opening_date\nf1,410184001000,10,2019-13-01\n", r"fac\.csv:2:.*opening_date")
fac_case("fac-lat-out-of-range", "latitude 234 degrees",
         "id,township,beds,lon,lat\nf1,410184001000,10,113.7,234\n", r"fac\.csv:2:.*(lat|coordinate|range)")
fac_case("fac-medical-2", "medical is neither 0 nor 1", FAC_OK.replace(",1,2016", ",2,2016"), r"fac\.csv:2:.*medical")

# ---- results (info) --------------------------------------------------------
case("census-missing-file", "the census path names nothing", CHECK, 1, r"s\.ini|nothere",
     {"s.ini": ini(census="nothere/census.csv")})
case("info-missing", "info on a file that does not exist", "eldercap info nothere.h5", 1, r"nothere\.h5", {})
case("info-empty", "info on a zero-byte file", "eldercap info empty.h5", 1, r"empty\.h5", {"empty.h5": b""})
case("info-not-hdf5", "info on a text file", "eldercap info notes.h5", 1, r"notes\.h5",
     {"notes.h5": "this is not HDF5\n" * 20})


def write_all():
    for name in os.listdir(HERE):
        p = os.path.join(HERE, name)
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "case.txt")):
            shutil.rmtree(p)
    seen = set()
    for name, desc, cmd, code, pattern, files in CASES:
        assert name not in seen, name
        seen.add(name)
        d = os.path.join(HERE, name)
        os.makedirs(d)
        for fn, content in files.items():
            if isinstance(content, str):
                content = content.encode()
            with open(os.path.join(d, fn), "wb") as f:
                f.write(content)
        with open(os.path.join(d, "case.txt"), "w") as f:
            f.write("# %s\ncmd: %s\nexit: %d\npattern: %s\n" % (desc, cmd, code, pattern))
    print("%d cases" % len(CASES))


if __name__ == "__main__":
    write_all()
