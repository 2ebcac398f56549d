/*
 * bytecode_opcodes.h: the opcode table layer 2 was written against (CPython 3.11), as data:
 * one X(name, number, inline cache entries, flags) row per opcode. bytecode_tables.c
 * compares it with the running interpreter's `opcode` module on first use; any difference
 * makes the layer refuse to run (fail closed) instead of silently changing meaning.
 */
#ifndef PV_BYTECODE_OPCODES_H
#define PV_BYTECODE_OPCODES_H

/* ---- the opcode table (CPython 3.11) --------------------------------------------------- */

#define F_A 0x01u  /* takes an argument (op >= HAVE_ARGUMENT) */
#define F_C 0x02u  /* opcode.hasconst */
#define F_N 0x04u  /* opcode.hasname */
#define F_J 0x08u  /* opcode.hasjrel */
#define F_JA 0x10u /* opcode.hasjabs (none in 3.11) */
#define F_B 0x20u  /* a backward relative jump ('JUMP_BACKWARD' in its name, as dis says) */
#define F_L 0x40u  /* opcode.haslocal */
#define F_F 0x80u  /* opcode.hasfree */

/* X(name, number, inline cache entries, flags) */
#define PVB_OPCODES(X) \
    X(CACHE, 0, 0, 0) \
    X(POP_TOP, 1, 0, 0) \
    X(PUSH_NULL, 2, 0, 0) \
    X(NOP, 9, 0, 0) \
    X(UNARY_POSITIVE, 10, 0, 0) \
    X(UNARY_NEGATIVE, 11, 0, 0) \
    X(UNARY_NOT, 12, 0, 0) \
    X(UNARY_INVERT, 15, 0, 0) \
    X(BINARY_SUBSCR, 25, 4, 0) \
    X(GET_LEN, 30, 0, 0) \
    X(MATCH_MAPPING, 31, 0, 0) \
    X(MATCH_SEQUENCE, 32, 0, 0) \
    X(MATCH_KEYS, 33, 0, 0) \
    X(PUSH_EXC_INFO, 35, 0, 0) \
    X(CHECK_EXC_MATCH, 36, 0, 0) \
    X(CHECK_EG_MATCH, 37, 0, 0) \
    X(WITH_EXCEPT_START, 49, 0, 0) \
    X(GET_AITER, 50, 0, 0) \
    X(GET_ANEXT, 51, 0, 0) \
    X(BEFORE_ASYNC_WITH, 52, 0, 0) \
    X(BEFORE_WITH, 53, 0, 0) \
    X(END_ASYNC_FOR, 54, 0, 0) \
    X(STORE_SUBSCR, 60, 1, 0) \
    X(DELETE_SUBSCR, 61, 0, 0) \
    X(GET_ITER, 68, 0, 0) \
    X(GET_YIELD_FROM_ITER, 69, 0, 0) \
    X(PRINT_EXPR, 70, 0, 0) \
    X(LOAD_BUILD_CLASS, 71, 0, 0) \
    X(LOAD_ASSERTION_ERROR, 74, 0, 0) \
    X(RETURN_GENERATOR, 75, 0, 0) \
    X(LIST_TO_TUPLE, 82, 0, 0) \
    X(RETURN_VALUE, 83, 0, 0) \
    X(IMPORT_STAR, 84, 0, 0) \
    X(SETUP_ANNOTATIONS, 85, 0, 0) \
    X(YIELD_VALUE, 86, 0, 0) \
    X(ASYNC_GEN_WRAP, 87, 0, 0) \
    X(PREP_RERAISE_STAR, 88, 0, 0) \
    X(POP_EXCEPT, 89, 0, 0) \
    X(STORE_NAME, 90, 0, F_A|F_N) \
    X(DELETE_NAME, 91, 0, F_A|F_N) \
    X(UNPACK_SEQUENCE, 92, 1, F_A) \
    X(FOR_ITER, 93, 0, F_A|F_J) \
    X(UNPACK_EX, 94, 0, F_A) \
    X(STORE_ATTR, 95, 4, F_A|F_N) \
    X(DELETE_ATTR, 96, 0, F_A|F_N) \
    X(STORE_GLOBAL, 97, 0, F_A|F_N) \
    X(DELETE_GLOBAL, 98, 0, F_A|F_N) \
    X(SWAP, 99, 0, F_A) \
    X(LOAD_CONST, 100, 0, F_A|F_C) \
    X(LOAD_NAME, 101, 0, F_A|F_N) \
    X(BUILD_TUPLE, 102, 0, F_A) \
    X(BUILD_LIST, 103, 0, F_A) \
    X(BUILD_SET, 104, 0, F_A) \
    X(BUILD_MAP, 105, 0, F_A) \
    X(LOAD_ATTR, 106, 4, F_A|F_N) \
    X(COMPARE_OP, 107, 2, F_A) \
    X(IMPORT_NAME, 108, 0, F_A|F_N) \
    X(IMPORT_FROM, 109, 0, F_A|F_N) \
    X(JUMP_FORWARD, 110, 0, F_A|F_J) \
    X(JUMP_IF_FALSE_OR_POP, 111, 0, F_A|F_J) \
    X(JUMP_IF_TRUE_OR_POP, 112, 0, F_A|F_J) \
    X(POP_JUMP_FORWARD_IF_FALSE, 114, 0, F_A|F_J) \
    X(POP_JUMP_FORWARD_IF_TRUE, 115, 0, F_A|F_J) \
    X(LOAD_GLOBAL, 116, 5, F_A|F_N) \
    X(IS_OP, 117, 0, F_A) \
    X(CONTAINS_OP, 118, 0, F_A) \
    X(RERAISE, 119, 0, F_A) \
    X(COPY, 120, 0, F_A) \
    X(BINARY_OP, 122, 1, F_A) \
    X(SEND, 123, 0, F_A|F_J) \
    X(LOAD_FAST, 124, 0, F_A|F_L) \
    X(STORE_FAST, 125, 0, F_A|F_L) \
    X(DELETE_FAST, 126, 0, F_A|F_L) \
    X(POP_JUMP_FORWARD_IF_NOT_NONE, 128, 0, F_A|F_J) \
    X(POP_JUMP_FORWARD_IF_NONE, 129, 0, F_A|F_J) \
    X(RAISE_VARARGS, 130, 0, F_A) \
    X(GET_AWAITABLE, 131, 0, F_A) \
    X(MAKE_FUNCTION, 132, 0, F_A) \
    X(BUILD_SLICE, 133, 0, F_A) \
    X(JUMP_BACKWARD_NO_INTERRUPT, 134, 0, F_A|F_J|F_B) \
    X(MAKE_CELL, 135, 0, F_A|F_F) \
    X(LOAD_CLOSURE, 136, 0, F_A|F_F) \
    X(LOAD_DEREF, 137, 0, F_A|F_F) \
    X(STORE_DEREF, 138, 0, F_A|F_F) \
    X(DELETE_DEREF, 139, 0, F_A|F_F) \
    X(JUMP_BACKWARD, 140, 0, F_A|F_J|F_B) \
    X(CALL_FUNCTION_EX, 142, 0, F_A) \
    X(EXTENDED_ARG, 144, 0, F_A) \
    X(LIST_APPEND, 145, 0, F_A) \
    X(SET_ADD, 146, 0, F_A) \
    X(MAP_ADD, 147, 0, F_A) \
    X(LOAD_CLASSDEREF, 148, 0, F_A|F_F) \
    X(COPY_FREE_VARS, 149, 0, F_A) \
    X(RESUME, 151, 0, F_A) \
    X(MATCH_CLASS, 152, 0, F_A) \
    X(FORMAT_VALUE, 155, 0, F_A) \
    X(BUILD_CONST_KEY_MAP, 156, 0, F_A) \
    X(BUILD_STRING, 157, 0, F_A) \
    X(LOAD_METHOD, 160, 10, F_A|F_N) \
    X(LIST_EXTEND, 162, 0, F_A) \
    X(SET_UPDATE, 163, 0, F_A) \
    X(DICT_MERGE, 164, 0, F_A) \
    X(DICT_UPDATE, 165, 0, F_A) \
    X(PRECALL, 166, 1, F_A) \
    X(CALL, 171, 4, F_A) \
    X(KW_NAMES, 172, 0, F_A|F_C) \
    X(POP_JUMP_BACKWARD_IF_NOT_NONE, 173, 0, F_A|F_J|F_B) \
    X(POP_JUMP_BACKWARD_IF_NONE, 174, 0, F_A|F_J|F_B) \
    X(POP_JUMP_BACKWARD_IF_FALSE, 175, 0, F_A|F_J|F_B) \
    X(POP_JUMP_BACKWARD_IF_TRUE, 176, 0, F_A|F_J|F_B)

#endif
