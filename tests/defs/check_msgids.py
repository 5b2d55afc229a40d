#!/usr/bin/env python3
"""Check that HELL's Hurd interfaces (defs/hurd/*.defs) are wire-compatible
with the Hurd's.

For every interface this runs GNU MIG on our .defs and then checks:

  1. the request message id of every routine, in order, against the table
     tests/defs/msgids.txt (the Hurd's ids, recorded once; the assertion
     works without the Hurd's source), and that each reply id is the
     request id + 100;
  2. that the generated user and server stubs compile with
     gcc -c -Wall -Werror against HELL's and GNU Mach's headers (MIG's
     own _Static_asserts check the C types' sizes against the wire sizes);
  3. if the Hurd's source is at hand (--hurd-src: a checkout, or a bare git
     directory read with `git archive`), MIG is also run on the Hurd's
     original .defs, in a scratch directory, and for every routine the
     ids, the Request and Reply message structures and the whole
     generated user stub (type descriptors, header bits, sizes) must be
     the same as ours.  Without the Hurd's source this part is skipped
     and says so.

Exits 0 when all holds, 1 with a list of problems otherwise, 77 (skip)
when MIG or the compiler is missing.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

INTERFACES = ["io", "fs", "fsys", "fs_notify", "ifsock", "interrupt", "auth",
              "process", "exec", "exec_startup", "msg", "term",
              "startup", "startup_reply"]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEPS = os.path.join(ROOT, ".deps", "prefix", "usr")
DEFAULT_HURD = "/work/.mirror/joshumax+hurd/repo"

# The Hurd's <hurd/hurd_types.defs> sizes utsname_t from <bits/utsname.h>;
# the Hurd's glibc has the generic 1024, Linux's says 65.  When the Hurd's
# originals are run through MIG here they get this stand-in first.
UTSNAME_SHIM = "#define _UTSNAME_LENGTH 1024\n"


def default_mig():
    for cand in (os.path.join(DEPS, "bin", "x86_64-gnu-mig"),):
        if os.path.exists(cand):
            return cand
    return shutil.which("x86_64-gnu-mig") or shutil.which("mig") or ""


def default_migdir():
    d = os.path.join(DEPS, "lib", "mig")
    return d if os.path.isdir(d) else ""


def default_mach_include():
    d = os.path.join(DEPS, "include", "x86_64-linux-gnu")
    return d if os.path.isdir(os.path.join(d, "mach")) else "/usr/include/x86_64-linux-gnu"


def run_mig(args, defs, outdir, incdirs, extra=()):
    base = os.path.splitext(os.path.basename(defs))[0]
    out = {k: os.path.join(outdir, base + suf) for k, suf in
           (("header", ".h"), ("user", "_user.c"), ("sheader", "_S.h"), ("server", "_server.c"))}
    cmd = [args.mig, "-D__x86_64__"] + ["-I" + d for d in incdirs] + list(extra)
    cmd += ["-header", out["header"], "-user", out["user"],
            "-sheader", out["sheader"], "-server", out["server"], defs]
    env = dict(os.environ)
    if args.migdir:
        env["MIGDIR"] = args.migdir
    p = subprocess.run(cmd, cwd=outdir, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        return None, "MIG failed on %s:\n%s%s" % (defs, p.stdout, p.stderr)
    return out, None


ROUTINE_RE = re.compile(r"^/\* (?:Simple)?[Rr]outine (\w+) \*/$", re.M)


def routines(user_c):
    """[(name, request id, reply id or None, body)] in file order."""
    text = open(user_c).read()
    marks = list(ROUTINE_RE.finditer(text))
    result = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.start():end]
        req = re.search(r"InP->Head\.msgh_id = (\d+);", body)
        rep = re.search(r"OutP->Head\.msgh_id != (\d+)\)", body)
        result.append((m.group(1), int(req.group(1)) if req else None,
                       int(rep.group(1)) if rep else None, body))
    return result


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def struct_block(body, name):
    m = re.search(r"typedef struct \{((?:[^{}]|\{[^{}]*\})*)\} %s;" % name, body)
    return norm(m.group(1)) if m else ""


# The options Hurd servers build their stubs with.
ALT_OPTS = ["-DSERVERPREFIX=S_", "-DREPLY_PORTS", "-DSERVERCOPY"]


def compare_stubs(iface, kind, ours_c, theirs_c):
    """Routine-by-routine differences between two generated stub files."""
    a = [(n, norm(b)) for n, _, _, b in routines(ours_c)]
    b = [(n, norm(b)) for n, _, _, b in routines(theirs_c)]
    if [n for n, _ in a] != [n for n, _ in b]:
        return ["%s: %s stub routine list differs from the Hurd's" % (iface, kind)]
    return ["%s: %s %s stub differs from the Hurd's" % (iface, n, kind)
            for (n, x), (_, y) in zip(a, b) if x != y]


def read_table(path):
    table = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 3 or not parts[2].isdigit():
                sys.exit("%s:%d: expected 'interface routine id'" % (path, n))
            table.setdefault(parts[0], []).append((parts[1], int(parts[2])))
    return table


def hurd_tree(src, scratch):
    """A directory holding hurd/*.defs from the Hurd's source, or None."""
    if not src:
        return None
    if os.path.isfile(os.path.join(src, "hurd", "hurd_types.defs")):
        return src
    if os.path.isfile(os.path.join(src, "HEAD")) and shutil.which("git"):
        dest = os.path.join(scratch, "hurd-src")
        os.makedirs(dest)
        git = subprocess.run(["git", "--git-dir", src, "archive", "HEAD", "hurd"],
                             capture_output=True)
        if git.returncode == 0:
            subprocess.run(["tar", "-x", "-C", dest], input=git.stdout, check=True)
            if os.path.isfile(os.path.join(dest, "hurd", "hurd_types.defs")):
                return dest
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mig", default=default_mig())
    ap.add_argument("--migdir", default=default_migdir())
    ap.add_argument("--mach-include", default=default_mach_include())
    ap.add_argument("--include", default=os.path.join(ROOT, "include"))
    ap.add_argument("--defs", default=os.path.join(ROOT, "defs"))
    ap.add_argument("--table", default=os.path.join(HERE, "msgids.txt"))
    ap.add_argument("--hurd-src", default=os.environ.get("HURD_SRC", DEFAULT_HURD),
                    help="the Hurd's source (checkout or bare git dir); '' to skip")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("--write-table", metavar="FILE",
                    help="write the ids of the Hurd's originals to FILE and exit")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args()

    if not args.mig or not os.path.exists(args.mig) and not shutil.which(args.mig):
        print("SKIP: GNU MIG not found")
        return 77
    cc = shlex.split(args.cc)
    if not cc or not shutil.which(cc[0]):
        print("SKIP: no C compiler")
        return 77

    scratch = tempfile.mkdtemp(prefix="hell-defs-")
    errors = []
    try:
        ours_dir = os.path.join(scratch, "ours")
        os.makedirs(ours_dir)
        our_inc = [args.defs, args.include, args.mach_include]

        hurd = hurd_tree(args.hurd_src, scratch)
        if args.write_table and not hurd:
            sys.exit("--write-table needs the Hurd's source (--hurd-src)")
        hurd_dir = os.path.join(scratch, "hurd")
        if hurd:
            os.makedirs(os.path.join(hurd_dir, "shim", "bits"))
            os.makedirs(os.path.join(hurd_dir, "alt"))
            with open(os.path.join(hurd_dir, "shim", "bits", "utsname.h"), "w") as f:
                f.write(UTSNAME_SHIM)

        if args.write_table:
            with open(args.write_table, "w") as f:
                f.write("# The Hurd's RPC message ids: interface routine request-id.\n"
                        "# Generated by check_msgids.py --write-table from the Hurd's\n"
                        "# hurd/*.defs; the reply id is always request-id + 100.\n")
                for iface in INTERFACES:
                    out, err = run_mig(args, os.path.join(hurd, "hurd", iface + ".defs"), hurd_dir,
                                       [os.path.join(hurd_dir, "shim"), hurd, args.mach_include])
                    if err:
                        sys.exit(err)
                    for name, req, _, _ in routines(out["user"]):
                        f.write("%s %s %d\n" % (iface, name, req))
            print("wrote", args.write_table)
            return 0

        table = read_table(args.table)
        checked = 0
        compared = 0
        for iface in INTERFACES:
            ours_defs = os.path.join(args.defs, "hurd", iface + ".defs")
            if not os.path.exists(ours_defs):
                errors.append("%s: %s is missing" % (iface, ours_defs))
                continue
            out, err = run_mig(args, ours_defs, ours_dir, our_inc)
            if err:
                errors.append(err)
                continue
            ours = routines(out["user"])

            # 1. Ids against the recorded table, and reply = request + 100.
            want = table.get(iface)
            got = [(n, r) for n, r, _, _ in ours]
            if want is None:
                errors.append("%s: not in %s" % (iface, args.table))
            elif got != want:
                for i in range(max(len(got), len(want))):
                    g = got[i] if i < len(got) else None
                    w = want[i] if i < len(want) else None
                    if g != w:
                        errors.append("%s: routine #%d is %s, the Hurd's is %s"
                                      % (iface, i, g, w))
            for name, req, rep, _ in ours:
                if rep is not None and rep != req + 100:
                    errors.append("%s: %s reply id %d, expected %d" % (iface, name, rep, req + 100))
            checked += len(ours)

            # 2. The stubs compile cleanly.
            for kind, extra in (("user", []), ("server", [])):
                cmd = cc + ["-c", "-Wall", "-Werror", "-I" + ours_dir] + \
                      ["-I" + d for d in our_inc] + extra + \
                      [out[kind], "-o", os.path.join(ours_dir, "%s_%s.o" % (iface, kind))]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    errors.append("%s: %s stub does not compile:\n%s" % (iface, kind, p.stderr[:1500]))
            # The server side again with a prefix, REPLY_PORTS and SERVERCOPY,
            # the options Hurd servers build with.
            alt = os.path.join(ours_dir, "alt")
            os.makedirs(alt, exist_ok=True)
            out2, err = run_mig(args, ours_defs, alt, our_inc, ALT_OPTS)
            if err:
                errors.append(err)
            else:
                cmd = cc + ["-c", "-Wall", "-Werror", "-I" + alt] + ["-I" + d for d in our_inc] + \
                      [out2["server"], "-o", os.path.join(alt, iface + "_server.o")]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    errors.append("%s: server stub (SERVERPREFIX, REPLY_PORTS, SERVERCOPY) "
                                  "does not compile:\n%s" % (iface, p.stderr[:1500]))

            # 3. Against the Hurd's originals.
            if hurd:
                hout, err = run_mig(args, os.path.join(hurd, "hurd", iface + ".defs"), hurd_dir,
                                    [os.path.join(hurd_dir, "shim"), hurd, args.mach_include])
                if err:
                    errors.append("the Hurd's " + err)
                    continue
                theirs = {n: (req, rep, body) for n, req, rep, body in routines(hout["user"])}
                if [n for n, *_ in ours] != [n for n, *_ in routines(hout["user"])]:
                    errors.append("%s: routine list differs from the Hurd's" % iface)
                for name, req, rep, body in ours:
                    if name not in theirs:
                        errors.append("%s: %s is not in the Hurd's interface" % (iface, name))
                        continue
                    treq, trep, tbody = theirs[name]
                    if (req, rep) != (treq, trep):
                        errors.append("%s: %s ids %s/%s, the Hurd's %s/%s"
                                      % (iface, name, req, rep, treq, trep))
                    for st in ("Request", "Reply"):
                        a, b = struct_block(body, st), struct_block(tbody, st)
                        if a != b:
                            errors.append("%s: %s %s differs:\n  ours:  %s\n  Hurd's: %s"
                                          % (iface, name, st, a, b))
                    if norm(body) != norm(tbody):
                        errors.append("%s: %s user stub differs from the Hurd's" % (iface, name))
                    compared += 1
                # The server side too (it sees dispositions such as dealloc[]
                # that the user side does not), plain and with the options
                # Hurd servers build with.
                errors.extend(compare_stubs(iface, "server", out["server"], hout["server"]))
                if out2:
                    hout2, err = run_mig(args, os.path.join(hurd, "hurd", iface + ".defs"),
                                         os.path.join(hurd_dir, "alt"),
                                         [os.path.join(hurd_dir, "shim"), hurd, args.mach_include],
                                         ALT_OPTS)
                    if err:
                        errors.append("the Hurd's " + err)
                    else:
                        errors.extend(compare_stubs(iface, "server (%s)" % " ".join(ALT_OPTS),
                                                    out2["server"], hout2["server"]))

        if errors:
            print("FAIL: the Hurd interfaces are not wire-compatible:")
            for e in errors:
                print("  " + e)
            return 1
        print("ok: %d routines in %d interfaces have the Hurd's message ids; "
              "user and server stubs compile" % (checked, len(INTERFACES)))
        if hurd:
            print("ok: %d routines generate the same messages as the Hurd's own .defs (%s)"
                  % (compared, args.hurd_src))
        else:
            print("note: the Hurd's source is not available; compared with %s only" % args.table)
        return 0
    finally:
        if args.keep:
            print("scratch directory:", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
