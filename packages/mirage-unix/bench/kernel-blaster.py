# kernel-blaster.py COUNT PAYLOAD DST: the kernel as a traffic source. Sends COUNT UDP datagrams of
# PAYLOAD bytes to DST:9 from inside the benchmark's namespace, as fast as one process can, and prints
# how many it sent and how long it took.
import socket
import sys
import time

count, size, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
sock.connect((dst, 9))
payload = b"x" * size
send = sock.send
errors = 0
start = time.perf_counter()
for _ in range(count):
    try:
        send(payload)
    except OSError:
        errors += 1
elapsed = time.perf_counter() - start
print(f"{count - errors} {elapsed:.6f}")
