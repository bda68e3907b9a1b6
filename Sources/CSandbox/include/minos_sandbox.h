#ifndef MINOS_SANDBOX_H
#define MINOS_SANDBOX_H

#include <sys/types.h>

/// Limits applied to a sandboxed child between fork and exec. A value <= 0 leaves that limit unset.
typedef struct {
    long memory_bytes;      // RLIMIT_AS
    long cpu_seconds;       // RLIMIT_CPU (hard backstop for the process's whole life)
    long file_size_bytes;   // RLIMIT_FSIZE
    long open_files;        // RLIMIT_NOFILE
    int isolate_network;    // try a fresh network namespace
} minos_sandbox_limits;

/// What the child reported before exec.
typedef struct {
    int network_isolated;   // 1 if it runs in a fresh network namespace
    int exec_errno;         // 0 on success, else the errno of the failing setup step or exec
    int failed_step;        // which step failed (see minos_sandbox.c), 0 if none
} minos_sandbox_report;

/// Forks and execs `path` with `argv`/`envp` in `cwd`. The child gets /dev/null as stdin, the given
/// fds as stdout/stderr (or /dev/null when -1), `request_fd` as fd 3 and `reply_fd` as fd 4, and no
/// other descriptors. It runs in its own process group, dies with its parent, cannot gain privileges,
/// and has `limits` applied. Returns the child's pid, or -1 with `report` saying why.
pid_t minos_sandbox_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                          int request_fd, int reply_fd, int stdout_fd, int stderr_fd,
                          const minos_sandbox_limits *limits, minos_sandbox_report *report);

/// pipe2(fds, O_CLOEXEC), which Swift's Glibc module does not expose.
int minos_pipe_cloexec(int fds[2]);

/// Sets `pid`'s RLIMIT_CPU (seconds) with prlimit, which Swift's Glibc module does not expose.
int minos_limit_cpu(pid_t pid, long soft_seconds, long hard_seconds);

#endif
