// Local iteration helper (not committed): renders the report of a campaign
// that already ran, with a template file.
use std::path::Path;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(&args[1]);
    let template = Path::new(&args[2]);
    let out = Path::new(&args[3]);
    let campaign = baosong::campaign::Campaign::load(dir).unwrap();
    let ledger = baosong::ledger::Ledger::open(&campaign.state_dir()).unwrap();
    let versions = ledger.all_versions().unwrap();
    let clock = campaign.fixed_clock().unwrap().fixed_offset();
    let a = baosong::assess::assess(&campaign, &versions, clock);
    let store = baosong::intake::store::Store::new(&campaign.state_dir());
    let report = baosong::report::build::build(&campaign, &a, &store, clock);
    std::fs::write(
        out.with_extension("json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    let mut options = baosong::render::Options::default();
    options.template = baosong::render::Template::from_file(template).unwrap();
    if let Some(n) = args.get(4) {
        options.units_per_part = n.parse().unwrap();
    }
    let t = std::time::Instant::now();
    let pdf = baosong::render::to_vec(baosong::render::pdf::pdf, &report, &options).unwrap();
    std::fs::write(out, pdf).unwrap();
    let docx = baosong::render::to_vec(baosong::render::docx::docx, &report, &options).unwrap();
    std::fs::write(out.with_extension("docx"), docx).unwrap();
    let xlsx = baosong::render::to_vec(baosong::render::xlsx::xlsx, &report, &options).unwrap();
    std::fs::write(out.with_extension("xlsx"), xlsx).unwrap();
    eprintln!("{:?}", t.elapsed());
}
