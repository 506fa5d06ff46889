#!/usr/bin/python3
"""Writes argon2id.golden: known-answer argon2id hashes computed by
argon2-cffi (Debian python3-argon2, which wraps the reference C
implementation), independent of golang.org/x/crypto/argon2. The first
case is also the reference implementation's own test vector (test.c), and
Debian's argon2 command gives the same string:

    echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32

Each line: password<TAB>salt (hex)<TAB>PHC string. The test hashes the
password with the PHC string's parameters and the given salt and must get
the same string.

    /usr/bin/python3 internal/auth/testdata/argon2id_golden.py > internal/auth/testdata/argon2id.golden
"""
from argon2.low_level import Type, hash_secret

CASES = [
    # password, salt, t, m (KiB), p, hash length
    (b"password", b"somesalt", 2, 65536, 1, 32),  # the reference test.c vector
    (b"correct horse battery staple", b"0123456789abcdef", 3, 64 * 1024, 2, 32),  # DefaultParams
    (b"contrase\xc3\xb1a segura 2026", bytes(range(16)), 1, 64, 1, 16),
    (b"", b"saltsalt", 1, 8, 1, 16),
    (b"x" * 300, b"\xff" * 32, 2, 256, 4, 64),
]

for password, salt, t, m, p, n in CASES:
    phc = hash_secret(password, salt, time_cost=t, memory_cost=m,
                      parallelism=p, hash_len=n, type=Type.ID).decode()
    print(f"{password.decode()}\t{salt.hex()}\t{phc}")
