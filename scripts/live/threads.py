# A python3 process with 3 extra threads, all blocked; prints "ready TID..." on stdout.
import sys, threading, time
ev = threading.Event()
tids = []
lock = threading.Lock()
def worker():
    with lock:
        tids.append(threading.get_native_id())
    ev.wait()
ts = [threading.Thread(target=worker, daemon=True, name="worker%d" % i) for i in range(3)]
for t in ts:
    t.start()
while len(tids) < 3:
    time.sleep(0.01)
print("ready", *sorted(tids), flush=True)
time.sleep(1e6)
