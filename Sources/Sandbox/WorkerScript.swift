/// The Python program each sandbox worker runs (`python3 -I -c <source>`). Kept in Swift so the
/// daemon needs no resource files at run time.
enum WorkerScript {
    static let source = #"""
# Minos sandbox worker: runs untrusted `evaluate(response) -> bool` functions for the daemon.
# Started by the daemon as `python3 -I -c <this script>` in an empty directory, in its own process
# group and network namespace, with rlimits and no-new-privs already applied. Before reading any
# request it locks itself down further (Landlock file rules, seccomp filter, audit hook), then
# serves JSON lines:
# requests on fd 3, replies on fd 4. stdout and stderr belong to the untrusted code.
import errno, json, os, sys

REQUESTS, REPLIES = 3, 4
BASE = os.getcwd()

# Modules functions may import: loaded now, before the audit hook forbids opening files.
ALLOWED_MODULES = (
    "re json string math cmath collections itertools functools operator unicodedata datetime time "
    "calendar random statistics textwrap difflib copy heapq bisect fractions decimal typing enum "
    "dataclasses numbers abc keyword array struct base64 hashlib binascii html html.parser csv io "
    "locale codecs encodings encodings.idna _strptime"
).split()


def install_seccomp():
    """Forbids fork/exec/sockets/ptrace and signalling other processes, at the kernel level."""
    import ctypes, platform
    if platform.machine() != "x86_64":
        return "unsupported architecture " + platform.machine()
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, DENY, NOSYS = 0x7FFF0000, 0x00050000 | errno.EPERM, 0x00050000 | errno.ENOSYS
    denied = [57, 58, 59, 322,            # fork vfork execve execveat
              41, 53,                     # socket socketpair
              101, 310, 311,              # ptrace process_vm_readv/writev
              272, 308, 165, 166, 155, 161,  # unshare setns mount umount2 pivot_root chroot
              321, 298, 323, 135,         # bpf perf_event_open userfaultfd personality
              160, 302,                   # setrlimit prlimit64: limits stay as the daemon set them
              248, 249, 250,              # add_key request_key keyctl
              425, 426, 427,              # io_uring (its operations bypass seccomp)
              169, 246, 175, 176, 313, 167, 168, 170, 171, 163, 172, 173]  # admin calls
    pid = os.getpid()
    prog = [(LD, 0, 0, 4), (JEQ, 1, 0, 0xC000003E), (RET, 0, 0, DENY),
            (LD, 0, 0, 0), (JGE, 0, 1, 0x40000000), (RET, 0, 0, DENY)]
    for nr in denied:
        prog += [(JEQ, 0, 1, nr), (RET, 0, 0, DENY)]
    prog += [(JEQ, 0, 1, 435), (RET, 0, 0, NOSYS)]  # clone3: ENOSYS makes libc fall back to clone
    # clone: threads only (CLONE_THREAD), never new processes.
    prog += [(JEQ, 0, 4, 56), (LD, 0, 0, 16), (JSET, 0, 1, 0x10000), (RET, 0, 0, ALLOW), (RET, 0, 0, DENY)]
    # kill, tkill, tgkill: only at this process itself.
    for nr in (62, 200, 234):
        prog += [(JEQ, 0, 4, nr), (LD, 0, 0, 16), (JEQ, 0, 1, pid), (RET, 0, 0, ALLOW), (RET, 0, 0, DENY)]
    prog += [(RET, 0, 0, ALLOW)]

    class Instruction(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Instruction))]

    code = (Instruction * len(prog))(*[Instruction(*i) for i in prog])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(38, 1, None, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return "no_new_privs: " + os.strerror(ctypes.get_errno())
    program = Program(len(prog), code)
    if libc.prctl(22, 2, ctypes.cast(ctypes.pointer(program), ctypes.c_void_p), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
        return "seccomp: " + os.strerror(ctypes.get_errno())
    return None


def install_landlock():
    """Confines file access at the kernel level: everything in the working directory, read-only
    access to Python's standard library, nothing else (Landlock, Linux 5.13+)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    FS_V1 = (1 << 13) - 1           # every access right of Landlock ABI v1
    READ = (1 << 2) | (1 << 3)      # READ_FILE | READ_DIR

    class Ruleset(ctypes.Structure):
        _fields_ = [("handled_access_fs", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    ruleset = Ruleset(FS_V1)
    ruleset_fd = libc.syscall(444, ctypes.byref(ruleset), ctypes.sizeof(ruleset), 0)  # create_ruleset
    if ruleset_fd < 0:
        return "landlock unavailable: " + os.strerror(ctypes.get_errno())
    try:
        for path, access in ((BASE, FS_V1), (os.path.dirname(os.__file__), READ)):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = PathBeneath(access, fd)
                if libc.syscall(445, ruleset_fd, 1, ctypes.byref(rule), 0) != 0:  # add_rule, PATH_BENEATH
                    return "landlock rule for %s: %s" % (path, os.strerror(ctypes.get_errno()))
            finally:
                os.close(fd)
        if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.syscall(446, ruleset_fd, 0) != 0:  # restrict_self
            return "landlock: " + os.strerror(ctypes.get_errno())
    finally:
        os.close(ruleset_fd)
    return None


def inside(path):
    """True when `path` (str, bytes or fd) stays inside the working directory."""
    if isinstance(path, int):
        return True
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str):
        return False
    full = os.path.normpath(os.path.join(BASE, path))
    return full == BASE or full.startswith(BASE + os.sep)


FORBIDDEN_PREFIXES = ("socket.", "subprocess.", "os.exec", "os.spawn", "os.posix_spawn", "ctypes.",
                      "resource.", "pty.", "os.fork", "sys.addaudithook", "sys.settrace", "sys.setprofile",
                      "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.", "winreg.", "_winapi.")
FORBIDDEN_EVENTS = {"os.system", "os.chdir", "os.fchdir", "os.chroot", "os.symlink", "os.link", "os.chown",
                    "os.setuid", "os.setgid", "os.putenv", "os.unsetenv", "os.startfile", "fcntl.ioctl",
                    "mmap.__new__", "gc.get_referrers", "gc.get_referents", "gc.get_objects"}
PATH_EVENTS = {"open": 0, "os.listdir": 0, "os.scandir": 0, "os.remove": 0, "os.rmdir": 0, "os.mkdir": 0,
               "os.rename": 0, "os.replace": 0, "os.truncate": 0, "os.chmod": 0, "os.utime": 0,
               "shutil.rmtree": 0, "shutil.copyfile": 0, "shutil.move": 0, "glob.glob": 0, "os.walk": 0}


def audit(event, args):
    if event in PATH_EVENTS:
        if event in ("os.rename", "os.replace", "shutil.copyfile", "shutil.move"):
            paths = args[:2]
        else:
            paths = args[:1]
        for p in paths:
            if p is not None and not inside(p):
                raise PermissionError("sandbox: %s outside the working directory is not allowed" % event)
        return
    if event == "import":
        root = args[0].split(".")[0]
        if args[0] not in ALLOWED_MODULES and root not in ALLOWED_MODULES and root != "encodings":
            raise ImportError("sandbox: importing %s is not allowed" % args[0])
        return
    if event == "os.kill" and args and args[0] != os.getpid():
        raise PermissionError("sandbox: signalling other processes is not allowed")
    if event in FORBIDDEN_EVENTS or event.startswith(FORBIDDEN_PREFIXES):
        raise PermissionError("sandbox: %s is not allowed" % event)


def clean_directory():
    for entry in os.scandir(BASE):
        try:
            if entry.is_dir(follow_symlinks=False):
                for root, dirs, files in os.walk(entry.path, topdown=False):
                    for name in files:
                        os.remove(os.path.join(root, name))
                    for name in dirs:
                        os.rmdir(os.path.join(root, name))
                os.rmdir(entry.path)
            else:
                os.remove(entry.path)
        except OSError:
            pass


def main():
    replies = os.fdopen(REPLIES, "w", encoding="utf-8", buffering=1)
    requests = os.fdopen(REQUESTS, "r", encoding="utf-8")
    for name in ALLOWED_MODULES:
        try:
            __import__(name)
        except ImportError:
            pass
    landlock_problem = install_landlock()
    seccomp_problem = install_seccomp()
    for name in [n for n in sys.modules if n == "ctypes" or n.startswith("ctypes.") or n == "_ctypes"]:
        del sys.modules[name]
    sys.addaudithook(audit)
    safe_builtins = dict(__builtins__.__dict__) if hasattr(__builtins__, "__dict__") else dict(__builtins__)
    replies.write(json.dumps({"ready": True, "seccomp": seccomp_problem is None, "seccompProblem": seccomp_problem,
                              "landlock": landlock_problem is None, "landlockProblem": landlock_problem,
                              "python": sys.version.split()[0]}) + "\n")

    compiled = {}
    for line in requests:
        request = json.loads(line)
        key = request["key"]
        function = compiled.get(key)
        if function is None:
            namespace = {"__builtins__": dict(safe_builtins), "__name__": "verifier"}
            try:
                exec(compile(request["source"], "<verification function>", "exec"), namespace)
                function = namespace.get("evaluate")
                if not callable(function):
                    raise NameError("the source defines no function named evaluate")
            except BaseException as error:
                replies.write(json.dumps({"compileError": "%s: %s" % (type(error).__name__, error)}) + "\n")
                continue
            if len(compiled) > 256:
                compiled.clear()
            compiled[key] = function
        for index, text in enumerate(request["inputs"]):
            try:
                value = function(text)
                if isinstance(value, bool):
                    reply = {"i": index, "value": value}
                else:
                    reply = {"i": index, "error": "evaluate returned %s, not bool" % type(value).__name__}
            except BaseException as error:
                reply = {"i": index, "error": "%s: %s" % (type(error).__name__, str(error)[:500])}
            replies.write(json.dumps(reply) + "\n")
        clean_directory()
        replies.write(json.dumps({"done": True}) + "\n")


main()
"""#
}
