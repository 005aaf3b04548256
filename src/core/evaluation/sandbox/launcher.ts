/**
 * The supervisor that `execute.ts` starts (with `python -I -S -B -c`; its arguments: see `launcherArgs`)
 * inside the namespaces `unshare` made. It is pid 1 there and stays privileged; the program runs
 * in a child it forks, so the program can neither signal its parent nor outlive it (the kernel
 * kills a pid namespace with its init, and the init dies with `unshare`, which we kill on timeout).
 *
 * In order:
 *  1. read the program (from stdin, or the host work directory without namespaces), hold the
 *     interpreter's directories open (they may be about to be hidden);
 *  2. make every mount read-only in one `mount_setattr(AT_RECURSIVE)` (a remount per mount on old kernels);
 *  3. cover /tmp, /var/tmp, /dev/shm, /run (and any directory that hides the interpreter) with
 *     empty tmpfs, bind the interpreter back at its own path (its RUNPATH may be absolute);
 *  4. mount the work directory: a small tmpfs owned by the program's uid, gone with the
 *     namespace; write the program into it;
 *  5. make the covering tmpfs read-only too: the work directory is the one writable place;
 *  6. fork: rlimits, drop to the run's uid (root) or drop every capability (user namespace),
 *     no_new_privs, exec `python -I -B program.py`;
 *  7. reap everything until the program ends, report on fd 3, kill what it left behind.
 * rlimits are set here, between fork and exec, rather than by `prlimit`: one process fewer per
 * run, and the supervisor itself stays unlimited (RLIMIT_NPROC is per uid, so it must apply to the
 * program's uid only).
 */
export const LAUNCHER_PY = String.raw`
import os, resource, sys, ctypes
import _signal as signal  # the C module: "signal" builds IntEnums, which costs more than the rest of this file

# arguments, not json: importing json costs more than the rest of this file (it pulls in re)
mode, uid, work, program_file, python, disk_kb, cpu, memory, nproc, fsize, masks, expose, source = sys.argv[1:14]
uid = int(uid) if uid else None
masks = [m for m in masks.split("\n") if m]
expose = [p for p in expose.split("\n") if p]
STATUS = 3
os.set_inheritable(STATUS, False)
os.umask(0o022)  # what the launcher creates (directories, the program file) must be readable by the run's uid
program_path = os.path.join(work, program_file)
isolated = mode != "none"
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME = 1024, 2048
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 1, 24, 28, 38
IGNORED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM)


def report(*fields):
    # one tab-separated line: "exit" code cpu rss | "signal" number cpu rss | "setup" message
    line = "\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields)
    os.write(STATUS, (line + "\n").encode())


def check(r, what):
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def enc(v):
    return v.encode() if isinstance(v, str) else v


def mount(src, target, fstype, flags, data):
    check(libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), "mount %s" % target)


def read_only_everywhere():
    attr = (ctypes.c_uint64 * 4)(1 | 2, 0, 0, 0)  # MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID
    if libc.syscall(442, -100, b"/", 0x8000, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4].replace("\\040", " ") for line in f]
    for p in points:
        try:
            st = os.statvfs(p)
        except OSError:
            continue
        # flags a user namespace inherited locked must be repeated, or the remount is refused
        keep = st.f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME)
        mount(None, p, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | keep, None)


def setup_mounts(program):
    holds = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in expose]
    mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    read_only_everywhere()
    for m in masks:
        mount("tmpfs", m, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for p, fd in holds:
        os.makedirs(p, exist_ok=True)
        mount("/proc/self/fd/%d" % fd, p, None, MS_BIND | MS_REC, None)
        os.close(fd)
    os.makedirs(work, exist_ok=True)
    owner = ",uid=%d,gid=%d" % (uid, uid) if uid is not None else ""
    mount("tmpfs", work, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=%sk%s" % (disk_kb, owner))
    with open(program_path, "wb") as f:
        f.write(program)
    for m in masks:
        mount(None, m, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def drop_privileges():
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails harmlessly where we never had it
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    elif mode == "user-namespace":
        # still uid 0 inside the namespace: root must not regain capabilities on exec
        check(libc.prctl(PR_SET_SECUREBITS, 0x2F, 0, 0, 0), "securebits")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    # after the uid change, which clears it
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")


def run_program():
    for s in IGNORED + (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(s, signal.SIG_DFL)
    R = resource
    R.setrlimit(R.RLIMIT_CORE, (0, 0))
    R.setrlimit(R.RLIMIT_CPU, (int(cpu), int(cpu) + 1))
    R.setrlimit(R.RLIMIT_AS, (int(memory), int(memory)))
    R.setrlimit(R.RLIMIT_NPROC, (int(nproc), int(nproc)))
    R.setrlimit(R.RLIMIT_FSIZE, (int(fsize), int(fsize)))
    drop_privileges()
    os.chdir(work)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8"}
    os.execve(python, [python, "-I", "-B", program_path], env)


for s in IGNORED:
    signal.signal(s, signal.SIG_IGN)  # the program may signal its pid 1 (only handled signals get through)
try:
    if source == "stdin":
        program = sys.stdin.buffer.read()
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)  # the program reads nothing
        os.close(null)
    else:
        with open(program_path, "rb") as f:
            program = f.read()
    if isolated:
        setup_mounts(program)
except BaseException as e:
    report("setup", "%s: %s" % (type(e).__name__, e))
    sys.exit(120)

pid = os.fork()
if pid == 0:
    try:
        run_program()
    except BaseException as e:
        report("setup", "starting the program: %s: %s" % (type(e).__name__, e))
    os._exit(121)

while True:
    try:
        wpid, st, ru = os.wait4(-1, 0)  # pid 1 also reaps the program's orphans
    except ChildProcessError:
        break
    if wpid == pid:
        cpu_used = "%.3f" % (ru.ru_utime + ru.ru_stime)
        if os.WIFSIGNALED(st):
            report("signal", os.WTERMSIG(st), cpu_used, ru.ru_maxrss)
        else:
            report("exit", os.WEXITSTATUS(st), cpu_used, ru.ru_maxrss)
        break
if isolated:
    try:
        os.kill(-1, signal.SIGKILL)  # as pid 1: every process left in the namespace
    except ProcessLookupError:
        pass
elif uid is not None:
    if os.fork() == 0:
        os.setresuid(uid, uid, uid)
        try:
            os.kill(-1, signal.SIGKILL)  # as the run's own uid: every process it started, even in another session
        except ProcessLookupError:
            pass
        os._exit(0)
    os.wait()
else:
    os.killpg(0, signal.SIGKILL)  # the process group node made for this run, this supervisor included
`;
