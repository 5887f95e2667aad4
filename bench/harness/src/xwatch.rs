//! Watches the X server while an app starts, to see when its window is mapped: measured from
//! outside, the same way for Deckhand and the bare window. Xlib through x11-dl (loaded at run
//! time), already part of any Tauri app's libraries on Linux.

use std::ffi::c_int;
use std::os::fd::RawFd;
use std::ptr;
use std::time::{Duration, Instant};

use x11_dl::xlib::{self, Display, Window, Xlib};

/// A connection to the X server that sees every top-level window being mapped.
pub struct XWatch {
    x: Xlib,
    dpy: *mut Display,
    root: Window,
}

impl XWatch {
    /// Connects to `$DISPLAY` and starts listening for windows being mapped (before the app is
    /// spawned, so its window cannot be missed).
    pub fn open() -> Result<XWatch, String> {
        let x = Xlib::open().map_err(|e| format!("cannot load Xlib: {e}"))?;
        // SAFETY: plain Xlib calls on a display we opened and own until Drop.
        unsafe {
            let dpy = (x.XOpenDisplay)(ptr::null());
            if dpy.is_null() {
                return Err("cannot open the X display (is DISPLAY set? run under xvfb-run)".into());
            }
            let root = (x.XDefaultRootWindow)(dpy);
            (x.XSelectInput)(dpy, root, xlib::SubstructureNotifyMask);
            (x.XSync)(dpy, xlib::False);
            Ok(XWatch { x, dpy, root })
        }
    }

    fn fd(&self) -> RawFd {
        // SAFETY: the display is open.
        unsafe { (self.x.XConnectionNumber)(self.dpy) }
    }

    /// Waits for the next event until `deadline`.
    fn next_event(&self, deadline: Instant) -> Option<xlib::XEvent> {
        loop {
            // SAFETY: the display is open; XNextEvent writes a whole XEvent.
            unsafe {
                if (self.x.XPending)(self.dpy) > 0 {
                    let mut ev: xlib::XEvent = std::mem::zeroed();
                    (self.x.XNextEvent)(self.dpy, &mut ev);
                    return Some(ev);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut pfd = libc::pollfd { fd: self.fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: one valid pollfd.
            unsafe { libc::poll(&mut pfd, 1, left.as_millis().min(1000) as c_int) };
        }
    }

    /// Waits for a top-level window to be mapped; the time since `since` (the spawn).
    pub fn wait_for_window(&mut self, since: Instant, timeout: Duration) -> Result<Duration, String> {
        let deadline = since + timeout;
        loop {
            let ev = self.next_event(deadline).ok_or("no window was mapped in time")?;
            if ev.get_type() == xlib::MapNotify {
                // SAFETY: the event type says which union member is valid.
                let map = unsafe { ev.map };
                if map.override_redirect == xlib::False && map.event == self.root {
                    return Ok(since.elapsed());
                }
            }
        }
    }
}

impl Drop for XWatch {
    fn drop(&mut self) {
        // SAFETY: opened in `open`, closed once.
        unsafe { (self.x.XCloseDisplay)(self.dpy) };
    }
}
