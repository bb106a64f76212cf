//! Charts and reports in a real browser: headless Chromium, from Debian's `chromium`
//! package at `/usr/bin/chromium` (CI installs it). Where it is absent, each test
//! says so on stderr and passes without checking anything.
//!
//! How the browser is driven, and why:
//!
//! - **No fonts.** The SVG check runs Chromium with `FONTCONFIG_FILE` pointing at an
//!   empty font configuration, so no font of the machine can stand in for the
//!   embedded one. The same run on a chart whose labels are `<text>` again shows that
//!   this really removes every font (the screenshot then differs), so the check can
//!   fail.
//! - **No network.** `--host-resolver-rules="MAP * ~NOTFOUND"` makes every host
//!   unresolvable; the background-networking flags stop Chromium's own requests.
//! - **Console messages.** With `--enable-logging=stderr --v=0`, Chromium prints
//!   every message of a page's console to stderr as `INFO:CONSOLE…] "text", source:
//!   …`. The report holds no script, so any such line comes from the browser itself:
//!   a refused request (the page's content security policy reports each one there),
//!   markup it could not read. Reading stderr is more robust than a remote-debugging
//!   session: nothing to connect to, no port, no race. A control page with a refused
//!   image shows that such messages are seen.

use crate::util::{Scratch, ok, read, scenario};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// How far a channel may fall outside the range of the other image's pixels around
/// it (see [`unmatched`]).
const CHANNEL_TOLERANCE: i16 = 40;

/// The share of pixels allowed to find no match within one pixel in the other image.
/// Rendered SVG and PNG agree except where antialiasing differs: Chromium's Skia
/// blends edges of lines and glyphs a little differently from plotters' bitmap
/// backend and its text rasteriser (which draws thick step lines with crisp edges),
/// and rounds a few coordinates the other way, so a pixel may be one place off: the
/// comparison ([`unmatched`]) forgives both. Measured on the charts of the December
/// 2016 scenario at 1600×900, 0.001 % to 0.034 % of pixels still differ, while the
/// same timeline with its labels left to the (absent) fonts differs in 2 %. The
/// bound sits between, six times above the one and ten times below the other.
const MAX_UNMATCHED: f64 = 0.002;

/// Chromium, or `None` (and a message saying the test is skipped) without it.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipped: {CHROMIUM} not found (Debian's package `chromium`, which CI installs)");
        None
    }
}

/// A run of headless Chromium on `page` with `args`, in a fresh profile under
/// `dir`; `fonts: false` hides every font. Returns its stderr.
fn browse(exe: &Path, dir: &Path, page: &Path, args: &[String], fonts: bool) -> String {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = dir.join(format!("profile-{n}"));
    let mut command = Command::new(exe);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if !fonts {
        let config = dir.join("no-fonts.conf");
        std::fs::write(
            &config,
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig></fontconfig>\n",
        )
        .unwrap();
        command.env("FONTCONFIG_FILE", &config);
    }
    let mut child = command.spawn().expect("start chromium");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).ok();
        text
    });
    // A browser that hangs fails the test instead of holding CI up.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium took over 2 minutes on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = reader.join().unwrap();
    assert!(
        status.success(),
        "chromium failed on {}:\n{stderr}",
        page.display()
    );
    stderr
}

/// A screenshot of `page` in a window of `size`.
fn screenshot(exe: &Path, dir: &Path, page: &Path, size: (u32, u32), fonts: bool) -> RgbImage {
    let shot = dir.join(format!(
        "{}-{}x{}.png",
        page.file_stem().unwrap().to_string_lossy(),
        size.0,
        size.1
    ));
    browse(
        exe,
        dir,
        page,
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={},{}", size.0, size.1),
        ],
        fonts,
    );
    decode(&shot)
}

fn decode(path: &Path) -> RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("decoding {}: {e}", path.display()))
        .to_rgb8()
}

/// The share of pixels of `a` whose colour `b` does not have around the same place:
/// each channel must lie within the range of that channel over the pixels of `b` at
/// most one pixel away, widened by [`CHANNEL_TOLERANCE`]. An antialiased edge (a
/// blend of the colours on either side) or a line drawn one pixel off matches; text
/// or a line that the other image lacks does not.
fn unmatched(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = a.dimensions();
    let mut count = 0u64;
    for y in 0..h {
        for x in 0..w {
            let (mut low, mut high) = ([255i16; 3], [0i16; 3]);
            for v in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for u in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let q = b.get_pixel(u, v);
                    for c in 0..3 {
                        low[c] = low[c].min(i16::from(q[c]));
                        high[c] = high[c].max(i16::from(q[c]));
                    }
                }
            }
            let p = a.get_pixel(x, y);
            let inside = (0..3).all(|c| {
                let p = i16::from(p[c]);
                p >= low[c] - CHANNEL_TOLERANCE && p <= high[c] + CHANNEL_TOLERANCE
            });
            if !inside {
                count += 1;
            }
        }
    }
    count as f64 / (f64::from(w) * f64::from(h))
}

/// How far two images differ: the larger share of unmatched pixels either way, so
/// that text missing from either counts.
fn difference(a: &RgbImage, b: &RgbImage) -> f64 {
    unmatched(a, b).max(unmatched(b, a))
}

/// `svg` with each label's glyphs put back as a `<text>` element in the same place,
/// for a viewer's fonts to fill: what charts were before their text was drawn.
fn with_text_labels(svg: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<g aria-label=\"") {
        out.push_str(&rest[..start]);
        let group = &rest[start..];
        let end = group.find("</g>\n").expect("a glyph group ends") + "</g>\n".len();
        let attribute = |name: &str| {
            let at = group.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            group[at..at + group[at..].find('"').unwrap()].to_owned()
        };
        let transform = attribute("transform");
        let translate = &transform[transform.find("translate(").unwrap() + 10..];
        let numbers: Vec<f64> = translate
            .split([' ', ')', '('])
            .filter_map(|v| v.parse().ok())
            .take(3)
            .collect();
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-family=\"sans-serif\" font-size=\"{}\" fill=\"{}\">{}</text>\n",
            numbers[0],
            numbers[1],
            numbers[2] * 2048.0,
            attribute("fill"),
            attribute("aria-label"),
        ));
        rest = &group[end..];
    }
    out.push_str(rest);
    out
}

// See: #15
#[test]
fn svg_charts_look_like_their_pngs_in_a_browser_without_fonts() {
    let Some(exe) = chromium() else { return };
    let dir = Scratch::new("browser-svg");
    let s = scenario("us-russia-2016.toml");
    ok(
        dir.path(),
        &["run", s.to_str().unwrap(), "--out", "r", "--quiet"],
    );
    // A comparison of two varied actors (compare, trajectories, heatmap) and a
    // tournament: every kind of chart.
    ok(
        dir.path(),
        &[
            "compare",
            s.to_str().unwrap(),
            "--vary",
            "usa=mirror,restrain",
            "--vary",
            "russia=mirror,hold",
            "--replicates",
            "50",
            "--out",
            "c",
            "--quiet",
        ],
    );
    let classic = scenario("axelrod-classic.toml");
    ok(
        dir.path(),
        &[
            "tournament",
            classic.to_str().unwrap(),
            "--out",
            "t",
            "--quiet",
        ],
    );
    let charts = [
        ("r", "timeline"),
        ("r", "fan"),
        ("r", "stocks"),
        ("c", "compare"),
        ("c", "trajectories"),
        ("c", "heatmap"),
        ("t", "tournament"),
    ];
    for (folder, stem) in charts {
        let results = dir.join(folder);
        let png = decode(&results.join(format!("{stem}.png")));
        let shot = screenshot(
            &exe,
            dir.path(),
            &results.join(format!("{stem}.svg")),
            png.dimensions(),
            false,
        );
        let d = difference(&png, &shot);
        eprintln!("{stem}: {:.4} % of pixels differ", 100.0 * d);
        assert!(
            d <= MAX_UNMATCHED,
            "{stem}.svg in a browser without fonts differs from {stem}.png in {:.3} % of its pixels",
            100.0 * d
        );
    }
    let results = dir.join("r");
    // Without the glyphs, the same chart loses its text: the check sees it.
    let svg = std::fs::read_to_string(results.join("timeline.svg")).unwrap();
    let texts = dir.join("timeline-text.svg");
    std::fs::write(&texts, with_text_labels(&svg)).unwrap();
    let png = decode(&results.join("timeline.png"));
    let shot = screenshot(&exe, dir.path(), &texts, png.dimensions(), false);
    let d = difference(&png, &shot);
    eprintln!(
        "timeline with text labels: {:.4} % of pixels differ",
        100.0 * d
    );
    assert!(
        d > 4.0 * MAX_UNMATCHED,
        "labels left to absent fonts should show: {:.3} %",
        100.0 * d
    );
}

/// What a page says on its console, one line per message.
fn console(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// Whether the top part of an image holds dark pixels: text was drawn.
fn has_text(image: &RgbImage) -> bool {
    let (w, h) = image.dimensions();
    (0..h.min(400))
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| image.get_pixel(x, y).0.iter().all(|&c| c < 80))
        .count()
        > 200
}

// See: #15
#[test]
fn report_html_loads_offline_without_console_messages() {
    let Some(exe) = chromium() else { return };
    let dir = Scratch::new("browser-report");
    let s = scenario("us-russia-2016.toml");
    let s = s.to_str().unwrap();
    let classic = scenario("axelrod-classic.toml");
    ok(dir.path(), &["run", s, "--out", "run", "--quiet"]);
    ok(dir.path(), &["compare", s, "--out", "compare", "--quiet"]);
    ok(
        dir.path(),
        &[
            "tournament",
            classic.to_str().unwrap(),
            "--out",
            "tournament",
            "--quiet",
        ],
    );
    for folder in ["run", "compare", "tournament"] {
        let page = dir.join(folder).join("report.html");
        let html = std::fs::read_to_string(&page).unwrap();
        // The charts of report.md, inline.
        let charts = read(&dir.join(folder), "report.md").matches("](").count();
        assert!(charts > 0, "{folder}: charts");
        // Nothing to load: no address, no resource attribute, no style import.
        for needle in ["http:", "https:", "//", " src=", "url(", "@import"] {
            assert!(
                !html.contains(needle),
                "{folder}/report.html holds {needle:?}"
            );
        }
        assert_eq!(
            html.matches("<svg ").count(),
            charts,
            "{folder}: charts inline"
        );
        let stderr = browse(&exe, dir.path(), &page, &["--dump-dom".into()], true);
        assert_eq!(console(&stderr), Vec::<&str>::new(), "{folder}/report.html");
        // A desktop window and a phone's width: text is drawn in both.
        for size in [(1280, 2000), (390, 1600)] {
            let shot = screenshot(&exe, dir.path(), &page, size, true);
            assert!(
                has_text(&shot),
                "{folder}/report.html at {size:?} shows no text"
            );
        }
        // Printed, it is A4.
        let pdf = dir.join(&format!("{folder}.pdf"));
        browse(
            &exe,
            dir.path(),
            &page,
            &[
                "--no-pdf-header-footer".into(),
                format!("--print-to-pdf={}", pdf.display()),
            ],
            true,
        );
        let pdf = std::fs::read(&pdf).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("/MediaBox [0 0 594.95996 841.91998]"),
            "{folder}/report.html prints on A4"
        );
    }
    // The check sees a refused request: the same policy, an image from elsewhere.
    let html = std::fs::read_to_string(dir.join("run").join("report.html")).unwrap();
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        html.replace(
            "<main>",
            "<main><img alt=\"\" src=\"https://example.invalid/x.png\">",
        ),
    )
    .unwrap();
    let stderr = browse(&exe, dir.path(), &control, &["--dump-dom".into()], true);
    assert!(
        !console(&stderr).is_empty(),
        "a refused image is reported:\n{stderr}"
    );
}
