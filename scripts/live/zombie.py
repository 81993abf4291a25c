# A parent that never reaps its child: prints "ready CHILD_PID".
import os, time
pid = os.fork()
if pid == 0:
    os._exit(3)
while True:
    with open("/proc/%d/stat" % pid) as f:
        if f.read().rsplit(")", 1)[1].split()[0] == "Z":
            break
    time.sleep(0.01)
print("ready", pid, flush=True)
time.sleep(1e6)
