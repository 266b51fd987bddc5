#!/usr/bin/env python3
"""Mark a GLIBCXX version requirement of an ELF shared object as weak (VER_FLG_WEAK).

TorchSharp 0.107.0's libLibTorchSharp.so asks for GLIBCXX_3.4.32 for one symbol that nothing calls
(PLATFORM.md). With the requirement marked weak, the dynamic loader accepts an older libstdc++.
Idempotent: a file already patched, or without the requirement, is left as it is.

usage: weaken_glibcxx_requirement.py FILE.so [VERSION]   (VERSION defaults to GLIBCXX_3.4.32)
exit 0: patched or nothing to do; exit 1: not a 64-bit little-endian ELF file or unreadable.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(path: str, version: bytes) -> str:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        for _name, sh_type, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            need = offset
            for _ in range(info):
                _ver, count, _file, aux, nxt = struct.unpack_from("<HHIII", data, need)
                entry = need + aux
                for _ in range(count):
                    _hash, flags, _other, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                    end = data.index(b"\0", strtab + name)
                    if bytes(data[strtab + name:end]) == version:
                        if flags & VER_FLG_WEAK:
                            return "already weak"
                        struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                        f.seek(0)
                        f.write(data)
                        return "patched"
                    entry += next_aux
                need += nxt
        return "no such requirement"


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    wanted = (sys.argv[2] if len(sys.argv) == 3 else "GLIBCXX_3.4.32").encode()
    try:
        print(f"{sys.argv[1]}: {weaken(sys.argv[1], wanted)}")
    except (OSError, ValueError) as error:
        sys.exit(f"weaken_glibcxx_requirement: {error}")
