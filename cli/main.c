/* main.c: the pyverify command: dispatches to the checker or a subcommand. */
#include <string.h>
#include "cli.h"
#include "service.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "run") == 0)
        return pv_cli_run(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "serve") == 0)
        return pv_cli_serve(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "corpus") == 0)
        return pv_cli_corpus(argc - 1, argv + 1);
    return pv_cli_check(argc, argv);
}
