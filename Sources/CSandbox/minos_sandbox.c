#define _GNU_SOURCE
#include "minos_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Steps the child reports when one fails, so the daemon can say which.
enum { STEP_PGID = 1, STEP_DEATHSIG, STEP_CHDIR, STEP_RLIMIT, STEP_FDS, STEP_NO_NEW_PRIVS, STEP_EXEC };

// Only async-signal-safe calls between fork and exec: no malloc, no stdio.
static void report_and_exit(int fd, char isolated, int step) {
    int message[3] = { isolated, errno, step };
    ssize_t ignored = write(fd, message, sizeof message);
    (void)ignored;
    _exit(127);
}

static int set_limit(int resource, long value) {
    if (value <= 0) return 0;
    struct rlimit limit = { (rlim_t)value, (rlim_t)value };
    return setrlimit(resource, &limit);
}

// Moves `fd` to `target`, tolerating fd == target.
static int place(int fd, int target) {
    if (fd == target) return fcntl(fd, F_SETFD, 0);
    return dup2(fd, target) < 0 ? -1 : 0;
}

pid_t minos_sandbox_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                          int request_fd, int reply_fd, int stdout_fd, int stderr_fd,
                          const minos_sandbox_limits *limits, minos_sandbox_report *report) {
    memset(report, 0, sizeof *report);
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
        report->exec_errno = errno;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        report->exec_errno = errno;
        close(status_pipe[0]);
        close(status_pipe[1]);
        return -1;
    }
    if (pid == 0) {
        int out = status_pipe[1];
        char isolated = 0;
        if (setpgid(0, 0) != 0) report_and_exit(out, isolated, STEP_PGID);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) report_and_exit(out, isolated, STEP_DEATHSIG);
        if (getppid() != parent) _exit(127);  // the daemon died before PDEATHSIG was set
        if (limits->isolate_network) {
            // A fresh network namespace has only a loopback device, and it is down.
            if (unshare(CLONE_NEWNET) == 0) isolated = 1;
            else if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) isolated = 1;
        }
        if (chdir(cwd) != 0) report_and_exit(out, isolated, STEP_CHDIR);

        // Lay out fds 0-4 without clobbering a source before it is copied: park them high first.
        int parked_request = fcntl(request_fd, F_DUPFD, 64);
        int parked_reply = fcntl(reply_fd, F_DUPFD, 64);
        int parked_out = stdout_fd >= 0 ? fcntl(stdout_fd, F_DUPFD, 64) : -1;
        int parked_err = stderr_fd >= 0 ? fcntl(stderr_fd, F_DUPFD, 64) : -1;
        int parked_status = fcntl(out, F_DUPFD_CLOEXEC, 64);
        int null_fd = open("/dev/null", O_RDWR);
        if (parked_request < 0 || parked_reply < 0 || parked_status < 0 || null_fd < 0)
            report_and_exit(out, isolated, STEP_FDS);
        out = parked_status;
        if (place(null_fd, 0) != 0 || place(parked_out >= 0 ? parked_out : null_fd, 1) != 0
            || place(parked_err >= 0 ? parked_err : null_fd, 2) != 0 || place(parked_request, 3) != 0
            || place(parked_reply, 4) != 0)
            report_and_exit(out, isolated, STEP_FDS);
        // Close everything else but the status pipe (close-on-exec, so exec closes it).
        long max_fd = sysconf(_SC_OPEN_MAX);
        if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
        for (int fd = 5; fd < max_fd; fd++) {
            if (fd != out) close(fd);
        }
        // Limits last: RLIMIT_NOFILE would forbid the high fds used above.
        if (set_limit(RLIMIT_AS, limits->memory_bytes) != 0 || set_limit(RLIMIT_CPU, limits->cpu_seconds) != 0
            || set_limit(RLIMIT_FSIZE, limits->file_size_bytes) != 0
            || set_limit(RLIMIT_NOFILE, limits->open_files) != 0 || set_limit(RLIMIT_CORE, 0) != 0)
            report_and_exit(out, isolated, STEP_RLIMIT);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) report_and_exit(out, isolated, STEP_NO_NEW_PRIVS);

        // Tell the parent about the namespace, then exec; on success exec closes `out` silently.
        int message[3] = { isolated, 0, 0 };
        ssize_t ignored = write(out, message, sizeof message);
        (void)ignored;
        execve(path, argv, envp);
        report_and_exit(out, isolated, STEP_EXEC);
    }

    close(status_pipe[1]);
    int message[3] = { 0, 0, 0 };
    ssize_t got = 0;
    // First message: the namespace report (or a failure). A second one means exec failed.
    while ((got = read(status_pipe[0], message, sizeof message)) < 0 && errno == EINTR) {}
    if (got == (ssize_t)sizeof message) {
        report->network_isolated = message[0];
        if (message[2] == 0) {
            int second[3];
            while ((got = read(status_pipe[0], second, sizeof second)) < 0 && errno == EINTR) {}
            if (got == (ssize_t)sizeof second) {
                report->exec_errno = second[1];
                report->failed_step = second[2];
            }
        } else {
            report->exec_errno = message[1];
            report->failed_step = message[2];
        }
    } else {
        report->exec_errno = ECHILD;
        report->failed_step = STEP_EXEC;
    }
    close(status_pipe[0]);
    if (report->exec_errno != 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return -1;
    }
    return pid;
}

int minos_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int minos_limit_cpu(pid_t pid, long soft_seconds, long hard_seconds) {
    struct rlimit limit = { (rlim_t)soft_seconds, (rlim_t)hard_seconds };
    return prlimit(pid, RLIMIT_CPU, &limit, NULL);
}
