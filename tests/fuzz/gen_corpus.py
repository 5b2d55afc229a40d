#!/usr/bin/env python3
"""Write the seed inputs of fuzz-copyin (tests/fuzz/corpus/seed-*).

The layout is described at the top of fuzz_copyin.c.  Run from anywhere:
    python3 tests/fuzz/gen_corpus.py
The seeds are committed; rerun this only when the layout changes.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

# <mach/message.h>, x86_64 GNU Mach ABI.
MOVE_RECEIVE, MOVE_SEND, MOVE_SEND_ONCE = 16, 17, 18
COPY_SEND, MAKE_SEND, MAKE_SEND_ONCE = 19, 20, 21
TYPE_INTEGER_32, TYPE_CHAR, TYPE_BYTE = 2, 8, 9
COMPLEX = 0x80000000
HELL_OOL_BLOB, HELL_OOL_FD = 1, 2

# Slot kinds (fuzz_copyin.c).
NONE, RECV, SEND, SEND_RECV, SONCE, PSET, DEAD, HOST = range(8)
NS_NOSENDERS, NS_DEADNAME, NS_PORTDESTROYED = 1 << 3, 2 << 3, 3 << 3
# Actions.
A_DESTROY, A_COPYOUT, A_SEND, A_DELIVER = range(4)
A_DEST_ONLY, A_FROM_RECEIVER = 4, 8


def bits(remote, local=0, complex_=False):
    return remote | (local << 8) | (COMPLEX if complex_ else 0)


def header(mbits, size, remote, local=0, msg_id=0):
    return struct.pack("<IIQQII", mbits, size, remote, local, 0, msg_id)


def mtype(name, size, number, inline=True, dealloc=False):
    word = name | (size << 8) | (int(inline) << 29) | (int(dealloc) << 31)
    return struct.pack("<II", word, number)


def pad8(b):
    return b + bytes(-len(b) % 8)


def ports_inline(disp, names):
    return mtype(disp, 64, len(names)) + b"".join(struct.pack("<Q", n) for n in names)


def ool(name, size, number):
    return mtype(name, size, number, inline=False) + struct.pack("<Q", 0)


def message(remote_disp, remote, body=b"", local_disp=0, local=0, msg_id=1000):
    body = pad8(body)
    size = 32 + len(body)
    return header(bits(remote_disp, local_disp, bool(body)), size, remote, local, msg_id) + body


def recipe(slots, g0=0, g1=0):
    slots = list(slots) + [(NONE, 0)] * (8 - len(slots))
    return b"".join(bytes([s, a]) for s, a in slots) + bytes([g0, g1, 0, 0])


def record(msg, action=A_COPYOUT, table=(), blob=b"", fds=()):
    """fds: (kind, size) pairs, at most 4."""
    kinds = 0
    sizes = [0, 0, 0, 0]
    for i, (k, n) in enumerate(fds):
        kinds |= k << (2 * i)
        sizes[i] = n
    tab = b"".join(struct.pack("<QII", *e) for e in table)
    return (struct.pack("<BBBBHH4H", action, len(fds), kinds, len(table), len(msg),
                        len(blob), *sizes) + msg + tab + blob)


def op(code, name, right=0, delta=0):
    return bytes([0x80 | code, name, right, delta & 0xff])


SEEDS = {}

# A plain message: one send right, an integer, copied out.
SEEDS["simple"] = recipe([(SEND, 0)]) + record(
    message(COPY_SEND, 1, mtype(TYPE_INTEGER_32, 32, 1) + struct.pack("<I", 42)))

# Header-only message sent and delivered to the receiver.
SEEDS["header-only"] = recipe([(SEND, 0)]) + record(
    message(MOVE_SEND, 1), action=A_DELIVER)

# Rights of every kind inline, with a send-once reply made from a receive
# right.
SEEDS["ports"] = recipe([(SEND, 0), (RECV, 0), (SEND_RECV | (1 << 3), 0), (SONCE, 0),
                         (DEAD, 0)]) + record(
    message(COPY_SEND, 1,
            ports_inline(MAKE_SEND, [2, 3]) + ports_inline(MOVE_SEND_ONCE, [4]) +
            ports_inline(COPY_SEND, [5]) + ports_inline(MOVE_RECEIVE, [3]) +
            ports_inline(MOVE_SEND, [0, 0xffffffff]),
            local_disp=MAKE_SEND_ONCE, local=2))

# The same, destroyed after copyin rather than received.
SEEDS["ports-destroy"] = SEEDS["ports"][:20] + record(
    message(COPY_SEND, 1,
            ports_inline(MAKE_SEND, [2]) + ports_inline(MOVE_RECEIVE, [3]),
            local_disp=MAKE_SEND_ONCE, local=2), action=A_DESTROY)

# Out-of-line data: one region as bytes of the blob, one as a sealed memfd.
SEEDS["ool"] = recipe([(SEND, 0)]) + record(
    message(COPY_SEND, 1, ool(TYPE_BYTE, 8, 100) + ool(TYPE_BYTE, 8, 4096) +
            mtype(TYPE_CHAR, 8, 5) + b"hello"),
    table=[(100, HELL_OOL_BLOB, 0), (4096, HELL_OOL_FD, 0)],
    blob=bytes(range(100)), fds=[(0, 4096)])

# A memfd that is not sealed: copyin must refuse it, and give back nothing.
SEEDS["ool-unsealed"] = recipe([(SEND, 0), (RECV, 0)]) + record(
    message(COPY_SEND, 1, ports_inline(MAKE_SEND, [2]) + ool(TYPE_BYTE, 8, 64),
            local_disp=MAKE_SEND_ONCE, local=2),
    table=[(64, HELL_OOL_FD, 0)], fds=[(1, 64)])

# An out-of-line array of rights (names in the blob), delivered.
SEEDS["ool-ports"] = recipe([(SEND, 0), (RECV, 0), (SEND, 0)]) + record(
    message(COPY_SEND, 1, ool(MAKE_SEND, 32, 2) + ool(COPY_SEND, 32, 3)),
    table=[(8, HELL_OOL_BLOB, 0), (12, HELL_OOL_BLOB, 8)],
    blob=struct.pack("<IIIII", 2, 2, 3, 0, 0xffffffff), action=A_DELIVER)

# Notification requests of every kind, then rights moving and dying.
SEEDS["notify"] = recipe([(SEND, 0), (RECV, NS_NOSENDERS), (SEND_RECV, NS_DEADNAME),
                          (SEND, NS_PORTDESTROYED), (SONCE, NS_DEADNAME)]) + record(
    message(COPY_SEND, 1, ports_inline(MOVE_SEND, [3]) + ports_inline(MAKE_SEND, [2]) +
            ports_inline(MOVE_SEND_ONCE, [5]))) + op(0, 2) + op(1, 3)

# A port set holding a receive right that a message carries away.
SEEDS["pset"] = recipe([(PSET, 0), (RECV | 0x40, 0), (SEND, 0)]) + record(
    message(COPY_SEND, 3, ports_inline(MOVE_RECEIVE, [2])), action=A_DELIVER)

# Queued messages carrying receive rights, then the receiver's task ends.
SEEDS["queue"] = (recipe([(SEND | (2 << 3), 0), (RECV, 0), (RECV | 0x80, 0)]) +
                  record(message(COPY_SEND, 1, ports_inline(MOVE_RECEIVE, [2])),
                         action=A_SEND) +
                  record(message(MAKE_SEND, 3), action=A_SEND) +
                  record(message(MAKE_SEND, 3), action=A_SEND) +
                  op(3 | 4, 0) +
                  record(message(COPY_SEND, 1), action=A_SEND))

# Protected payload on the destination, delivered; the reply back from the
# receiver's side.
SEEDS["payload"] = recipe([(SEND, 0x80 | 7), (RECV, 0)]) + record(
    message(COPY_SEND, 1, local_disp=MAKE_SEND, local=2), action=A_DELIVER)

# Requests to the host port, served by machd's kernel server (g0 bit 0):
# host_get_time (2634) and a mach_port call the host cannot answer.
SEEDS["kernel"] = recipe([(HOST, 0), (RECV, 0)], g0=1) + record(
    message(COPY_SEND, 1, local_disp=MAKE_SEND_ONCE, local=2, msg_id=2634),
    action=A_SEND) + record(
    message(COPY_SEND, 1, ports_inline(MAKE_SEND, [2]), local_disp=MAKE_SEND_ONCE,
            local=2, msg_id=3206), action=A_SEND)

# Reproducers of what the fuzzer found (corpus/crash-*): each fails until
# machd is fixed, and is a regression seed afterwards.
CRASHES = {}

# A port whose port-destroyed notification goes to the port itself: when its
# receive right is destroyed (here, with the receiver's space), machd queues
# the notification, carrying the port's own receive right, on the port
# itself.  Neither can ever be freed (GNU Mach's ipc_port_destroy checks
# circularity first and destroys the port instead).
CRASHES["pdrequest-self"] = recipe([(SEND, NS_PORTDESTROYED | 0x20 | 0)])

# dest == reply with MOVE_SEND / MAKE_SEND_ONCE on a receive right without a
# send right: the reply's send-once right is made before the destination
# fails, then destroyed, so a failed send queues a send-once notification.
CRASHES["header-move-send-make-sonce"] = recipe([(RECV, 0)]) + record(
    header(bits(MOVE_SEND, MAKE_SEND_ONCE), 32, 1, 1, 7), action=A_DESTROY)

# A request to a kernel port with msgh_id near INT_MAX: the MIG demuxers'
# "InP->msgh_id + 100" overflows (UBSan: signed integer overflow).
CRASHES["mig-msgh-id-overflow"] = recipe([(HOST, 0), (RECV, 0)], g0=1) + record(
    message(COPY_SEND, 1, local_disp=MAKE_SEND_ONCE, local=2, msg_id=0x7fffffff),
    action=A_SEND)


def main():
    os.makedirs(OUT, exist_ok=True)
    for prefix, table in (("seed-", SEEDS), ("crash-", CRASHES)):
        for name, data in table.items():
            with open(os.path.join(OUT, prefix + name), "wb") as f:
                f.write(data)
    print("wrote %d seeds and %d reproducers to %s" % (len(SEEDS), len(CRASHES), OUT))


if __name__ == "__main__":
    main()
