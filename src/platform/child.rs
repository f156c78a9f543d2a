//! The one way ccauth runs a child process that it does not hand the terminal to: in a process
//! group of its own, under a time limit, with capped capture of what it prints, and with the
//! whole group ended (`killpg`) on a timeout, a cancel, or when the handle is dropped.
//!
//! Two flavours share one [`Group`]:
//! - [`run`] blocks: short commands (`claude --version`, `claude auth logout`,
//!   `claude auth status`, the provider CLIs' checks), called from blocking tasks;
//! - [`spawn_async`] / [`run_async`] on tokio: the official CLI's sign-in (which streams lines
//!   and takes a pasted code on its input) and the `apiKeyHelper` run (a time limit and a cancel).
//!
//! Every group is recorded in a process-wide registry from spawn until it is reaped, killed or
//! released, so that [`kill_all_groups`] (called from the panic hook) can end everything ccauth
//! started even when the code that owns a child never gets to run its `Drop`.
//!
//! Children attached to the terminal (`claude setup-token`, `ccauth login` in line mode) and the
//! detached clipboard holder do not come here: they are meant to share ccauth's terminal or to
//! outlive it.

use std::future::Future;
use std::io::{self, Read};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError, mpsc};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};

/// Bytes of each output stream [`run`] keeps; the rest is read and dropped, so the child never
/// blocks on a full pipe and memory stays bounded.
pub const CAPTURE_LIMIT: u64 = 64 * 1024;

/// How long [`run`] still waits for the output once the child has exited (something it started
/// outside its group may hold the pipes open).
pub const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// How often [`run`] looks whether the child has exited.
const POLL: Duration = Duration::from_millis(20);

/// The process groups ccauth started and has not reaped, killed or released yet.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// The registry; a panic elsewhere while it was held leaves a list that is still valid.
fn groups() -> MutexGuard<'static, Vec<i32>> {
    GROUPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends `SIGKILL` to every process group ccauth started and still holds. For the panic hook and
/// the last moments of the process: it takes no async runtime, never waits for a child, and gives
/// up on the registry after about 100 ms rather than hang a dying process.
///
/// `SIGKILL` straight away, not `SIGTERM` first: after a panic nothing is left to read what the
/// children print or to reap them, and a grace period would only delay the exit.
pub fn kill_all_groups() {
    // The registry is held only for a push or a removal, so a short wait is enough; `lock` could
    // deadlock if the panicking thread were the holder.
    for _ in 0..100 {
        match GROUPS.try_lock() {
            Ok(ids) => return kill_each(&ids),
            Err(TryLockError::Poisoned(poisoned)) => return kill_each(&poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}

fn kill_each(ids: &[i32]) {
    for &id in ids {
        signal_group(id, GroupSignal::Kill);
    }
}

#[derive(Clone, Copy)]
enum GroupSignal {
    Term,
    Kill,
}

/// Signals the group `id`. ESRCH (the group is already empty) is the expected answer after a
/// clean exit and is ignored.
#[cfg(unix)]
fn signal_group(id: i32, signal: GroupSignal) {
    use nix::sys::signal::{Signal, killpg};
    let group = nix::unistd::Pid::from_raw(id);
    match signal {
        GroupSignal::Term => {
            let _ = killpg(group, Signal::SIGTERM);
            // A member stopped for reading the terminal (it is not in the foreground group)
            // handles SIGTERM only once continued.
            let _ = killpg(group, Signal::SIGCONT);
        }
        GroupSignal::Kill => {
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn signal_group(_id: i32, _signal: GroupSignal) {}

/// Puts `command` in a process group of its own, whose id is the child's pid.
#[cfg(unix)]
fn own_group_std(command: &mut std::process::Command) {
    std::os::unix::process::CommandExt::process_group(command, 0);
}

#[cfg(not(unix))]
fn own_group_std(_command: &mut std::process::Command) {}

/// The process group of a child started by this module (its id is the child's pid). While armed
/// it is in the registry, and dropping it sends `SIGKILL` to the whole group: killing the child
/// alone would leave what it started running.
#[derive(Debug)]
pub struct Group {
    id: Option<i32>,
}

impl Group {
    /// Registers the group led by `pid`.
    fn led_by(pid: Option<u32>) -> Self {
        let id = pid
            .and_then(|pid| i32::try_from(pid).ok())
            // 0 and 1 would make `killpg` reach ccauth's own group or init's.
            .filter(|&id| id > 1);
        if let Some(id) = id {
            groups().push(id);
        }
        Self { id }
    }

    /// Sends `SIGTERM` (then `SIGCONT`, so a stopped member sees it) to the whole group. False
    /// when there is no group to signal (already released, or no process groups here), so the
    /// caller can skip waiting for an effect.
    pub fn terminate(&self) -> bool {
        match self.id {
            Some(id) if cfg!(unix) => {
                signal_group(id, GroupSignal::Term);
                true
            }
            _ => false,
        }
    }

    /// Sends `SIGKILL` to the whole group; it stays registered until [`Group::release`].
    pub fn kill(&self) {
        if let Some(id) = self.id {
            signal_group(id, GroupSignal::Kill);
        }
    }

    /// Forgets the group without signalling it: the child has been reaped and whatever it left
    /// in the group may stay (a browser it opened), or has been killed already. Call it soon
    /// after the reap: once the group is empty its id can be reused.
    pub fn release(&mut self) {
        if let Some(id) = self.id.take() {
            let mut ids = groups();
            if let Some(at) = ids.iter().position(|&known| known == id) {
                ids.swap_remove(at);
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
        self.release();
    }
}

/// What a short command printed, up to [`CAPTURE_LIMIT`] bytes per stream.
#[derive(Debug)]
pub struct Output {
    /// How it exited.
    pub status: ExitStatus,
    /// The start of its standard output.
    pub stdout: Vec<u8>,
    /// The start of its standard error.
    pub stderr: Vec<u8>,
}

/// Why [`run`] has no [`Output`].
#[derive(Debug)]
pub enum RunError {
    /// The program could not be started.
    Spawn(io::Error),
    /// It ran past the time limit; it and its whole group were killed and it was reaped.
    Timeout,
}

/// Runs `command` (program, arguments, environment and directory as the caller set them) with
/// standard input from `/dev/null`, in its own process group, reading both outputs on threads;
/// blocks until it exits or `timeout` passes. Whatever is left in the group afterwards is killed
/// (all of it, after a timeout).
///
/// # Errors
/// When it cannot be started, or runs past `timeout`.
pub fn run(command: &mut std::process::Command, timeout: Duration) -> Result<Output, RunError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_group_std(command);
    let mut child = command.spawn().map_err(RunError::Spawn)?;
    let mut group = Group::led_by(Some(child.id()));
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < timeout => std::thread::sleep(POLL),
            _ => break None,
        }
    };
    group.kill();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        group.release();
        return Err(RunError::Timeout);
    };
    group.release();
    Ok(Output {
        status,
        stdout: stdout.recv_timeout(DRAIN_LIMIT).unwrap_or_default(),
        stderr: stderr.recv_timeout(DRAIN_LIMIT).unwrap_or_default(),
    })
}

/// Reads `pipe` to its end on a thread, keeping the first [`CAPTURE_LIMIT`] bytes.
fn collect(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let _ = pipe.by_ref().take(CAPTURE_LIMIT).read_to_end(&mut kept);
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            let _ = sender.send(kept);
        });
    }
    receiver
}

/// A child started by [`spawn_async`], with its registered [`Group`]. Dropping it kills the
/// whole group and then the child (the group first, while the child is not yet reaped and the
/// group id cannot have been reused).
#[derive(Debug)]
pub struct Running {
    // Declared first so it is dropped first.
    group: Group,
    child: tokio::process::Child,
}

/// Starts `command` (with the standard streams the caller chose) on tokio, in its own process
/// group, killed on drop.
///
/// # Errors
/// When it cannot be started.
pub fn spawn_async(command: &mut tokio::process::Command) -> io::Result<Running> {
    command.kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let child = command.spawn()?;
    let group = Group::led_by(child.id());
    Ok(Running { group, child })
}

impl Running {
    /// The child, to take its pipes and wait for it.
    pub fn child(&mut self) -> &mut tokio::process::Child {
        &mut self.child
    }

    /// Its process group.
    pub fn group(&mut self) -> &mut Group {
        &mut self.group
    }

    /// `SIGTERM` to the group, up to `grace` for the child to exit, then `SIGKILL` to the group
    /// (for anything that ignored the first signal); the child is reaped and the group released.
    ///
    /// # Errors
    /// When the child's exit status cannot be read.
    pub async fn stop(&mut self, grace: Duration) -> io::Result<ExitStatus> {
        if !self.group.terminate() {
            let _ = self.child.start_kill();
        }
        let _ = tokio::time::timeout(grace, self.child.wait()).await;
        self.group.kill();
        let _ = self.child.start_kill();
        let status = self.child.wait().await;
        self.group.release();
        status
    }
}

/// Where [`run_async`] puts what a stream printed; each keeps its own bound.
pub trait Sink {
    /// Takes the next piece read.
    fn push(&mut self, bytes: &[u8]);
    /// The stream could not be read further (reading stops).
    fn read_failed(&mut self, _error: &io::Error) {}
}

/// The time limits of [`run_async`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long the child may run.
    pub timeout: Duration,
    /// After a timeout or a cancel: how long the group gets to end after `SIGTERM`.
    pub term_grace: Duration,
    /// After `SIGKILL`: how long the pipes get to close before they are abandoned (a process
    /// that left the group may hold them).
    pub drain_grace: Duration,
}

/// Why [`run_async`] stopped the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The time limit passed.
    TimedOut {
        /// Whether the child itself had exited by then (its output held open by something it
        /// started).
        exited: bool,
    },
    /// The cancel fired.
    Cancelled,
}

/// How a [`run_async`] ended.
#[derive(Debug)]
pub struct Finished {
    /// The child's exit, when it was reaped.
    pub exit: Option<io::Result<ExitStatus>>,
    /// Set when it was stopped rather than left to finish.
    pub stopped: Option<Stopped>,
    /// From just before the start until it finished or was stopped.
    pub elapsed: Duration,
}

/// Runs `command` with standard input from `/dev/null`, feeding its outputs to `stdout` and
/// `stderr` until both close and it exits, or until `limits.timeout` passes or `cancel`
/// resolves; then the group gets `SIGTERM`, and `SIGKILL` after the grace. Dropping the future
/// kills the group.
///
/// # Errors
/// When it cannot be started or its output cannot be captured.
pub async fn run_async(
    command: &mut tokio::process::Command,
    limits: Limits,
    cancel: impl Future<Output = ()>,
    stdout: &mut impl Sink,
    stderr: &mut impl Sink,
) -> io::Result<Finished> {
    let started = tokio::time::Instant::now();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut running = spawn_async(command)?;
    let Running { group, child } = &mut running;
    let (Some(out_pipe), Some(err_pipe)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(io::Error::other("its output could not be captured"));
    };
    let mut exit = None;
    // Whether the child itself had exited when the limit struck; an atomic because the `join!`
    // below holds the other borrows.
    let exited = AtomicBool::new(false);
    let (stopped, elapsed) = {
        let work = async {
            tokio::join!(
                async {
                    exit = Some(child.wait().await);
                    exited.store(true, Ordering::Relaxed);
                },
                pump(out_pipe, stdout),
                pump(err_pipe, stderr),
            );
        };
        tokio::pin!(work);
        let stopped = tokio::select! {
            () = &mut work => None,
            () = tokio::time::sleep(limits.timeout) => Some(Stopped::TimedOut {
                exited: exited.load(Ordering::Relaxed),
            }),
            () = cancel => Some(Stopped::Cancelled),
        };
        let elapsed = started.elapsed();
        if stopped.is_some() && group.terminate() {
            let finished = tokio::time::timeout(limits.term_grace, &mut work)
                .await
                .is_ok();
            if !finished {
                group.kill();
                let _ = tokio::time::timeout(limits.drain_grace, &mut work).await;
            }
        }
        (stopped, elapsed)
    };
    group.release();
    Ok(Finished {
        exit,
        stopped,
        elapsed,
    })
}

/// Reads `pipe` to its end into `sink`; the read buffer is zeroed afterwards, as it may have held
/// a key.
async fn pump(mut pipe: impl AsyncRead + Unpin, sink: &mut impl Sink) {
    let mut chunk = vec![0; 16 * 1024];
    loop {
        match pipe.read(&mut chunk).await {
            Ok(0) => break,
            Ok(read) => sink.push(&chunk[..read]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => {
                sink.read_failed(&error);
                break;
            }
        }
    }
    chunk.fill(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(id: u32) -> bool {
        let id = i32::try_from(id).unwrap();
        groups().contains(&id)
    }

    #[cfg(unix)]
    #[test]
    fn a_short_command_is_captured_up_to_the_limit() {
        let mut command = std::process::Command::new("/bin/sh");
        command.args(["-c", "head -c 100000 /dev/zero; echo oops >&2; exit 3"]);
        let output = run(&mut command, Duration::from_secs(10)).unwrap();
        assert_eq!(output.status.code(), Some(3));
        assert_eq!(output.stdout.len(), 64 * 1024);
        assert_eq!(output.stderr, b"oops\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_hung_command_is_stopped_with_its_group() {
        let mut command = std::process::Command::new("/bin/sh");
        command.args(["-c", "sleep 30 & sleep 30"]);
        let started = Instant::now();
        let result = run(&mut command, Duration::from_millis(200));
        assert!(matches!(result, Err(RunError::Timeout)), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let mut command = std::process::Command::new("/nowhere/at/all");
        let result = run(&mut command, Duration::from_secs(1));
        assert!(matches!(result, Err(RunError::Spawn(_))), "{result:?}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn groups_are_registered_while_they_run() {
        let mut command = tokio::process::Command::new("/bin/sh");
        command.args(["-c", "exit 0"]);
        let mut running = spawn_async(&mut command).unwrap();
        let pid = running.child().id().unwrap();
        assert!(registered(pid));
        let status = running.stop(Duration::from_secs(2)).await.unwrap();
        assert!(!registered(pid), "{status:?}");

        let mut command = tokio::process::Command::new("/bin/sh");
        command.args(["-c", "exec sleep 30"]);
        let mut running = spawn_async(&mut command).unwrap();
        let pid = running.child().id().unwrap();
        drop(running);
        assert!(!registered(pid));
    }

    #[derive(Default)]
    struct Bytes(Vec<u8>);

    impl Sink for Bytes {
        fn push(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
        }
    }

    const LIMITS: Limits = Limits {
        timeout: Duration::from_secs(60),
        term_grace: Duration::from_secs(2),
        drain_grace: Duration::from_secs(1),
    };

    #[cfg(unix)]
    #[tokio::test]
    async fn run_async_feeds_both_sinks() {
        let mut command = tokio::process::Command::new("/bin/sh");
        command.args(["-c", "echo out; echo err >&2"]);
        let (mut out, mut err) = (Bytes::default(), Bytes::default());
        let finished = run_async(
            &mut command,
            LIMITS,
            std::future::pending(),
            &mut out,
            &mut err,
        )
        .await
        .unwrap();
        assert!(finished.stopped.is_none());
        assert!(finished.exit.unwrap().unwrap().success());
        assert_eq!(
            (out.0.as_slice(), err.0.as_slice()),
            (&b"out\n"[..], &b"err\n"[..])
        );
    }

    #[cfg(unix)]
    #[tokio::test(start_paused = true)]
    async fn run_async_stops_at_the_limit_and_on_cancel() {
        let mut command = tokio::process::Command::new("/bin/sh");
        command.args(["-c", "exec sleep 300"]);
        let (mut out, mut err) = (Bytes::default(), Bytes::default());
        let limits = Limits {
            timeout: Duration::from_secs(5),
            ..LIMITS
        };
        let finished = run_async(
            &mut command,
            limits,
            std::future::pending(),
            &mut out,
            &mut err,
        )
        .await
        .unwrap();
        assert_eq!(finished.stopped, Some(Stopped::TimedOut { exited: false }));
        assert_eq!(finished.elapsed, Duration::from_secs(5));

        let finished = run_async(&mut command, LIMITS, async {}, &mut out, &mut err)
            .await
            .unwrap();
        assert_eq!(finished.stopped, Some(Stopped::Cancelled));
    }

    /// The variable that tells the re-run test binary to do the real work.
    const ALONE: &str = "CCAUTH_KILL_ALL_GROUPS_ALONE";

    /// `kill_all_groups` ends every group in the process, so it runs in a test process of its own
    /// (the test binary started again for this test alone), not beside other tests' children.
    #[cfg(target_os = "linux")]
    #[test]
    fn kill_all_groups_ends_every_registered_group() {
        if std::env::var_os(ALONE).is_none() {
            let status = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "platform::child::tests::kill_all_groups_ends_every_registered_group",
                    "--test-threads=1",
                ])
                .env(ALONE, "1")
                .status()
                .unwrap();
            assert!(status.success(), "{status:?}");
            return;
        }
        // A leader and a member it started in the background, which prints its pid.
        let mut command = std::process::Command::new("/bin/sh");
        command
            .args(["-c", "sleep 30 & echo $!; exec sleep 30"])
            .stdout(Stdio::piped());
        own_group_std(&mut command);
        let mut leader = command.spawn().unwrap();
        let group = Group::led_by(Some(leader.id()));
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(leader.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let member: u32 = line.trim().parse().unwrap();
        assert!(registered(leader.id()));

        kill_all_groups();

        let status = leader.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
        // The member is not ccauth's child: gone, or a zombie waiting for its new parent.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let state = std::fs::read_to_string(format!("/proc/{member}/stat"));
            let alive = state.is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
            });
            if !alive {
                break;
            }
            assert!(Instant::now() < deadline, "member {member} still runs");
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(group);
        assert!(!registered(leader.id()));
    }
}
