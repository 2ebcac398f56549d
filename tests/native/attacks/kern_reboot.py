# expect: killed
# kill: seccomp
# why: reboot(2) (in a pid namespace it would end the namespace)
expect_fail('reboot', 0xfee1dead, 0x28121969, 0x4321fedc, None)
