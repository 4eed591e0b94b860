#!/usr/bin/env python3
"""One file system call on a mount, run as a child process so that the
caller can put a timeout on it.  Prints one JSON object and exits 0.

  probe.py stat PATH         {"ok", "mode", "size", "ino", "mtime_ns"}
  probe.py lstat PATH        the same, without following a link
  probe.py list PATH         {"ok", "names"}
  probe.py read PATH         {"ok", "len", "size", "text"?, "tail"}: open,
                             fstat, read to the end on the same descriptor
  probe.py write PATH        {"ok"}: open for writing (expected to fail)
  probe.py exec PATH         {"ok"}: execve (expected to fail)
  probe.py lookups PATH N    {"ok", "seconds", "errnos"}: stat PATH N times
On failure: {"ok": false, "errno": N, "error": "ENOENT"}.
"""
import errno
import json
import os
import stat
import sys
import time


def fail(e):
    return {"ok": False, "errno": e.errno, "error": errno.errorcode.get(e.errno, str(e.errno))}


def st_dict(st):
    return {"ok": True, "mode": st.st_mode, "size": st.st_size, "ino": st.st_ino,
            "mtime_ns": st.st_mtime_ns, "isdir": stat.S_ISDIR(st.st_mode)}


def main():
    op, path = sys.argv[1], sys.argv[2]
    try:
        if op == "stat":
            out = st_dict(os.stat(path))
        elif op == "lstat":
            out = st_dict(os.lstat(path))
        elif op == "list":
            out = {"ok": True, "names": sorted(os.listdir(path))}
        elif op == "read":
            fd = os.open(path, os.O_RDONLY)
            try:
                size = os.fstat(fd).st_size
                chunks = []
                while True:
                    b = os.read(fd, 1 << 16)
                    if not b:
                        break
                    chunks.append(b)
            finally:
                os.close(fd)
            data = b"".join(chunks)
            out = {"ok": True, "len": len(data), "size": size,
                   "tail": data[-64:].decode("utf-8", "replace")}
            if len(data) <= (1 << 20):
                out["text"] = data.decode("utf-8", "replace")
        elif op == "write":
            fd = os.open(path, os.O_WRONLY)
            os.close(fd)
            out = {"ok": True}
        elif op == "exec":
            pid = os.fork()
            if pid == 0:
                try:
                    os.execv(path, [path])
                except OSError as e:
                    os._exit(100 + e.errno)
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            if code >= 100:
                e = code - 100
                out = {"ok": False, "errno": e, "error": errno.errorcode.get(e, str(e))}
            else:
                out = {"ok": True}
        elif op == "lookups":
            n = int(sys.argv[3])
            errs = []
            t = time.monotonic()
            for _ in range(n):
                try:
                    os.stat(path)
                    errs.append(0)
                except OSError as e:
                    errs.append(e.errno)
            out = {"ok": True, "seconds": time.monotonic() - t, "errnos": errs}
        else:
            out = {"ok": False, "error": "unknown op " + op}
    except OSError as e:
        out = fail(e)
    out.update(op=op, path=path)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
