/** One benchmark figure, printed as a single JSON line (see README → Benchmarks). */
export type BenchFigure = {
  bench: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  [extra: string]: unknown;
};

export function printFigure(figure: BenchFigure): void {
  const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
  process.stdout.write(
    JSON.stringify({ ...figure, value: round(figure.value), baseline: round(figure.baseline), ratio: round(figure.ratio) }) + '\n',
  );
}
