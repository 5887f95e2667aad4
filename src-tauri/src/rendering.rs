//! How WebKitGTK draws the window on Linux. On a computer without a GPU (a virtual machine, a
//! remote desktop, Xvfb) Mesa emulates OpenGL on the CPU (llvmpipe), and WebKit drawing "on
//! the GPU" through that emulation costs far more CPU than drawing on the CPU directly:
//! measured under Xvfb, Deckhand's first screen took ~0.4 s more CPU that way, and a screen
//! whose words change every second kept WebKit ~10 points of a core busier (bench/results.md,
//! benchmarks 3 and 4). So without a GPU device WebKit is asked to draw on the CPU. What the
//! person set in the environment wins; with a GPU nothing changes.

use std::path::Path;

const CPU_DRAWING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Call first thing in `main`, before any thread starts (it sets an environment variable the
/// WebKit processes inherit).
pub fn prefer_cpu_drawing_without_gpu() {
    if cfg!(target_os = "linux") && std::env::var_os(CPU_DRAWING).is_none() && !has_gpu(Path::new("/dev")) {
        std::env::set_var(CPU_DRAWING, "1");
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
