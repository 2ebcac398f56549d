# expect: killed
# kill: seccomp
# why: move_pages(2) of the victim's memory
expect_fail('move_pages', VICTIM, 0, None, None, None, 0)
