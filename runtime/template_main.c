/*
 * template_main.c: `pyverify-template`, the clean template a library runner execs
 * (template.c). Not for direct use: it expects its channel on fd 3 and its set-up on fd 4.
 */
#include "template.h"

int main(int argc, char **argv)
{
    return pvx_template_main(argc, argv);
}
