/**
 * The report's Monte Carlo by default (`payback report`, the server's report):
 * 20,000 samples a scenario, seed 42 — the Verdict's P(npv ≥ 0) within about
 * ±0.7 points (95 %), and `npm start` stays a few seconds on two cores. A
 * module of its own, importing nothing: the CLI's help reads it without
 * loading the model.
 */
export const REPORT_MC_SAMPLES = 20_000;
export const REPORT_MC_SEED = 42;
