/* test_report.c — `eldercap report` on the Xinzheng baseline with a Monte Carlo
 * band, rendered by headless Chromium (Debian `chromium`, with `fonts-noto-cjk`;
 * scripts/bootstrap installs both — a missing browser fails the test loudly).
 *
 * Independent expectations: the township count and names come from the HDF5
 * file; the DOM is Chromium's parse of the file, not ours; the screenshot is
 * decoded with Python's stdlib zlib (PNG filters undone) to count colours.   */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eldercap/ec_report.h"
#include "eldercap/ec_results.h"

static char tmpdir[256];
static char h5[320];

static int run(const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' %s >'%s/out' 2>'%s/err'", EC_BIN, args, tmpdir, tmpdir);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  size_t k = fread(b, 1, (size_t)n, f);
  b[k] = '\0';
  fclose(f);
  return b;
}

static char *tmp_text(const char *name) {
  char p[400];
  snprintf(p, sizeof p, "%s/%s", tmpdir, name);
  return slurp(p);
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

static void setup(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ec_clireport_XXXXXX");
  cr_assert(mkdtemp(tmpdir));
  snprintf(h5, sizeof h5, "%s/x.h5", tmpdir);
  char args[1024];
  snprintf(args, sizeof args,
           "run '%s/scenarios/xinzheng.ini' -q -o '%s' --set population.replicates=20", EC_SOURCE_DIR,
           h5);
  cr_assert_eq(run(args), 0, "baseline run failed");
}
static void teardown(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  (void)!system(cmd);
}

TestSuite(cli_report, .init = setup, .fini = teardown, .timeout = 240);

static const char *chromium(void) {
  static const char *cands[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                                "/usr/bin/google-chrome"};
  for (int i = 0; i < 3; i++)
    if (access(cands[i], X_OK) == 0) return cands[i];
  return NULL;
}

static int browser(const char *what, const char *html, const char *out) {
  const char *c = chromium();
  cr_assert(c, "chromium not found: install Debian 'chromium' and 'fonts-noto-cjk' "
               "(scripts/bootstrap)");
  char prof[300], cmd[3000];
  snprintf(prof, sizeof prof, "%s/profile-XXXXXX", tmpdir);
  cr_assert(mkdtemp(prof));
  snprintf(cmd, sizeof cmd,
           "'%s' --headless --no-sandbox --disable-gpu --disable-background-networking "
           "--disable-component-update --disable-sync --no-first-run --user-data-dir='%s' "
           "%s 'file://%s' %s 2>/dev/null",
           c, prof, what, html, out);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(cli_report, self_contained_html_with_map_and_charts) {
  char args[1024], html[400];
  snprintf(html, sizeof html, "%s/report.html", tmpdir);
  snprintf(args, sizeof args, "report '%s' -o '%s' --year 2025", h5, html);
  cr_assert_eq(run(args), 0, "%s", tmp_text("err"));
  char *doc = slurp(html);
  cr_assert(doc);
  cr_assert(strstr(doc, "<meta charset=\"utf-8\">"));
  /* nothing fetched from elsewhere: no scripts, links, remote URLs or fonts */
  cr_assert(!strstr(doc, "<script"));
  cr_assert(!strstr(doc, "<link"));
  cr_assert(!strstr(doc, "https://"));
  cr_assert(!strstr(doc, "url("));
  cr_assert(!strstr(doc, "@import"));
  cr_assert(!strstr(doc, "src="));
  /* every http:// is the SVG namespace */
  cr_assert_eq(count(doc, "http://"), count(doc, "http://www.w3.org/2000/svg"));
  free(doc);

  size_t nt;
  char **names;
  ec_error err;
  cr_assert_eq(ec_results_read_strings(h5, "township_name", &nt, &names, &err), 0);

  char dom[400];
  snprintf(dom, sizeof dom, "> '%s/dom.html'", tmpdir);
  cr_assert_eq(browser("--dump-dom", html, dom), 0, "chromium --dump-dom failed");
  char *d = tmp_text("dom.html");
  cr_assert(d && strlen(d) > 10000, "empty DOM");
  /* the beds map: one path per township inside <svg id="map-beds"> */
  char *m = strstr(d, "id=\"map-beds\"");
  cr_assert(m, "no map in the DOM");
  char *mend = strstr(m, "</svg>");
  cr_assert(mend);
  *mend = '\0';
  cr_assert_eq(count(m, "class=\"twp\""), (int)nt);
  cr_assert_eq(count(m, "class=\"fac\""), 12); /* 12 planned homes */
  *mend = '<';
  cr_assert(strstr(d, "id=\"map-gap\""));
  /* charts: the city chart and one small multiple per township, with the band */
  cr_assert_eq(count(d, "class=\"chart city\""), 1);
  cr_assert_eq(count(d, "class=\"chart town\""), (int)nt);
  cr_assert(count(d, "class=\"band\"") >= (int)nt);
  /* headline rules and Chinese names */
  cr_assert(strstr(d, "2018-06-30") && strstr(d, "2017-12-31"));
  for (size_t u = 0; u < nt; u++) cr_assert(strstr(d, names[u]), "%s missing", names[u]);
  free(d);

  char png[400], shot[500];
  snprintf(png, sizeof png, "%s/shot.png", tmpdir);
  snprintf(shot, sizeof shot, "--screenshot='%s' --window-size=1200,2000", png);
  cr_assert_eq(browser(shot, html, ""), 0, "chromium --screenshot failed");
  struct stat st;
  cr_assert_eq(stat(png, &st), 0);
  cr_assert_gt(st.st_size, 50000, "screenshot suspiciously small: %ld bytes", (long)st.st_size);
  /* decode the PNG (8-bit RGB/RGBA, undo filters) and count distinct colours */
  char cmd[4000];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 - '%s' > '%s/colours.txt' <<'EOF'\n"
           "import sys, zlib, struct\n"
           "b = open(sys.argv[1], 'rb').read(); assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
           "i = 8; idat = b''; w = h = 0\n"
           "while i < len(b):\n"
           "  n, t = struct.unpack('>I4s', b[i:i+8]); c = b[i+8:i+8+n]; i += 12 + n\n"
           "  if t == b'IHDR': w, h, depth, ct = struct.unpack('>IIBB', c[:10])\n"
           "  if t == b'IDAT': idat += c\n"
           "bpp = 4 if ct == 6 else 3; raw = zlib.decompress(idat); stride = w * bpp\n"
           "prev = bytearray(stride); cols = set(); p = 0\n"
           "for y in range(h):\n"
           "  f = raw[p]; line = bytearray(raw[p+1:p+1+stride]); p += 1 + stride\n"
           "  for x in range(stride):\n"
           "    a = line[x-bpp] if x >= bpp else 0; up = prev[x]; c = prev[x-bpp] if x >= bpp else 0\n"
           "    if f == 1: line[x] = (line[x] + a) & 255\n"
           "    elif f == 2: line[x] = (line[x] + up) & 255\n"
           "    elif f == 3: line[x] = (line[x] + ((a + up) >> 1)) & 255\n"
           "    elif f == 4:\n"
           "      pa = abs(up - c); pb = abs(a - c); pc = abs(a + up - 2 * c)\n"
           "      line[x] = (line[x] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255\n"
           "  if y %% 4 == 0: cols.update(bytes(line[k:k+3]) for k in range(0, stride, bpp * 2))\n"
           "  prev = line\n"
           "print(len(cols))\n"
           "EOF",
           png, tmpdir);
  cr_assert_eq(system(cmd), 0, "PNG decode failed");
  char *ncol = tmp_text("colours.txt");
  cr_assert(ncol);
  /* a blank page has 1 colour; the map classes, badges and anti-aliased CJK
   * text give hundreds */
  cr_assert_gt(atoi(ncol), 100, "screenshot looks blank: %s colours", ncol);
  free(ncol);
  for (size_t u = 0; u < nt; u++) free(names[u]);
  free(names);
}

Test(cli_report, escapes_text_and_fails_cleanly) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  ec_report_escape(f, "<a href=\"x\">R&D 'q'</a>");
  fclose(f);
  cr_assert_str_eq(buf, "&lt;a href=&quot;x&quot;&gt;R&amp;D &#39;q&#39;&lt;/a&gt;");
  free(buf);
  /* an existing report survives a failed run */
  char html[400], args[1024];
  snprintf(html, sizeof html, "%s/old.html", tmpdir);
  f = fopen(html, "w");
  fputs("old report", f);
  fclose(f);
  snprintf(args, sizeof args, "report '%s' -o '%s' --year 1900", h5, html);
  cr_assert_eq(run(args), 1);
  char *e = tmp_text("err");
  cr_assert(strstr(e, "--year"), "%s", e);
  free(e);
  char *old = slurp(html);
  cr_assert_str_eq(old, "old report");
  free(old);
  snprintf(args, sizeof args, "report '%s' -o '%s' --scenario 3", h5, html);
  cr_assert_eq(run(args), 1);
  snprintf(args, sizeof args, "report '%s'", h5);
  cr_assert_eq(run(args), 2);
}
