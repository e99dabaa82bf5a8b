/* cmd_check.c — placeholder until the module lands (tracked in its issue). */
#include "cli.h"

int ec_cmd_check(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "eldercap check: not available in this build yet\n");
  return EC_EXIT_FAIL;
}
