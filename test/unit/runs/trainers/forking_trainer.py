"""A stand-in trainer that forks worker processes, like a data loader or a Ray-less launcher.

    python3 forking_trainer.py STEPS SECONDS_PER_STEP PIDFILE [--leave-workers] [--exit CODE]

Writes its own pid and its two workers' pids to PIDFILE, prints one verl-style console line per
step (`step:N - key:value`), and at the end stops its workers (unless --leave-workers, to test the
supervisor's cleanup of leftovers) and exits with CODE (default 0). SIGINT ends every process with
Python's default KeyboardInterrupt, so a clean stop needs no escalation.
"""

import os
import sys
import time

steps, per_step, pidfile = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
leave = "--leave-workers" in sys.argv
code = int(sys.argv[sys.argv.index("--exit") + 1]) if "--exit" in sys.argv else 0

workers = []
for i in range(2):
    pid = os.fork()
    if pid == 0:
        # Ready only once running: a signal that reaches a child before Python's after-fork code
        # has run is dropped by CPython, so the test must not signal before this point.
        open(f"{pidfile}.w{i}", "w").close()
        while True:
            time.sleep(0.05)
    workers.append(pid)
while not all(os.path.exists(f"{pidfile}.w{i}") for i in range(2)):
    time.sleep(0.005)
with open(pidfile + ".tmp", "w") as f:
    f.write(" ".join(str(p) for p in [os.getpid()] + workers))
os.rename(pidfile + ".tmp", pidfile)

for step in range(1, steps + 1):
    print(f"step:{step} - actor/pg_loss:{0.5 / step} - critic/score/mean:{step / 10} - timing_s/step:{per_step}", flush=True)
    print(f"worker heartbeat {step}", file=sys.stderr, flush=True)
    time.sleep(per_step)

if not leave:
    for pid in workers:
        os.kill(pid, 15)
        os.waitpid(pid, 0)
sys.exit(code)
