/* cmd_access.c — placeholder until the module lands (tracked in its issue). */
#include "cli.h"

int ec_cmd_access(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "eldercap access: not available in this build yet\n");
  return EC_EXIT_FAIL;
}
