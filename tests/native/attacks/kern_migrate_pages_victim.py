# expect: killed
# kill: seccomp
# why: migrate_pages(2) of the victim
expect_fail('migrate_pages', VICTIM, 64, None, None)
