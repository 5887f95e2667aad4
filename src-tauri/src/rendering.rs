//! How WebKitGTK draws the window on Linux. On a computer without a GPU (a virtual machine, a
//! remote desktop, Xvfb) Mesa emulates OpenGL on the CPU (llvmpipe), and WebKit drawing "on
//! the GPU" through that emulation costs far more CPU than drawing on the CPU directly:
//! measured under Xvfb, Deckhand's first screen took ~0.4 s more CPU that way, and a screen
//! whose words change every second kept WebKit ~10 points of a core busier (bench/results.md,
//! benchmarks 3 and 4). So without a GPU device WebKit is asked to draw on the CPU, and to draw
//! the page as one picture rather than as layers composited afterwards (compositing layers on
//! the CPU cost a quarter of WebKit's CPU time until the first screen showed, and 30 MiB).
//! What the person set in the environment wins; with a GPU nothing changes.

use std::path::Path;

/// Each is set to "1" when there is no GPU and the person did not set it.
const WITHOUT_GPU: [&str; 2] = ["WEBKIT_SKIA_ENABLE_CPU_RENDERING", "WEBKIT_DISABLE_COMPOSITING_MODE"];

/// Call first thing in `main`, before any thread starts (it sets environment variables the
/// WebKit processes inherit).
pub fn prefer_cpu_drawing_without_gpu() {
    if !cfg!(target_os = "linux") || has_gpu(Path::new("/dev")) {
        return;
    }
    for name in WITHOUT_GPU {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, "1");
        }
    }
}

/// A GPU the graphics stack can use: a DRM device (`dri/card*`, `dri/renderD*`) or NVIDIA's
/// own driver without one (`nvidiactl`).
fn has_gpu(dev: &Path) -> bool {
    let dri = std::fs::read_dir(dev.join("dri"))
        .map(|entries| entries.flatten().any(|e| e.file_name().to_str().is_some_and(|n| n.starts_with("card") || n.starts_with("renderD"))))
        .unwrap_or(false);
    dri || dev.join("nvidiactl").exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gpu_is_a_drm_device_or_nvidias_driver() {
        let dev = tempfile::tempdir().unwrap();
        assert!(!has_gpu(dev.path()), "no dri folder");
        std::fs::create_dir(dev.path().join("dri")).unwrap();
        std::fs::write(dev.path().join("dri/by-path"), "").unwrap();
        assert!(!has_gpu(dev.path()), "an empty dri folder");
        std::fs::write(dev.path().join("dri/renderD128"), "").unwrap();
        assert!(has_gpu(dev.path()));
        let nvidia = tempfile::tempdir().unwrap();
        std::fs::write(nvidia.path().join("nvidiactl"), "").unwrap();
        assert!(has_gpu(nvidia.path()));
    }
}
