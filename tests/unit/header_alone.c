/* The public header must compile on its own with -std=c11 -pedantic -Werror. */
#include "pyverify.h"

int pv_header_alone_check(void);
int pv_header_alone_check(void) { return PV_OK; }
