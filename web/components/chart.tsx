"use client";
/**
 * Small charts on uPlot (canvas, ~22 KB gzipped), loaded only when a chart is shown so it never
 * weighs on a page's first load. Each chart is a labelled figure whose text alternative lists
 * its values, since a canvas says nothing to a screen reader.
 */
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "react";
import type uPlot from "uplot";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A CSS colour for the whole series. */
  color: string;
  kind: "line" | "bars";
  /** Per-point colours for bars (e.g. a rating's band); defaults to `color`. */
  colors?: string[];
}

export function Chart({
  title,
  x,
  xLabel,
  series,
  format = String,
  yRange,
  height = 180,
  testId,
}: {
  title: string;
  /** The x values (e.g. session numbers), ascending. */
  x: number[];
  xLabel: string;
  series: ChartSeries[];
  format?: (value: number) => string;
  /** Fixed y range, e.g. [0, 10] for ratings; otherwise from the data (from 0). */
  yRange?: [number, number];
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const formatRef = useRef(format);
  formatRef.current = format;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let plot: uPlot | null = null;
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const ink = getComputedStyle(element).color;
      const grid = "rgba(127,127,127,0.2)";
      const axis = { stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } };
      const bars = UPlot.paths.bars?.({ size: [0.6, 48] });
      const options: uPlot.Options = {
        width: element.clientWidth,
        height,
        legend: { show: series.length > 1 },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
          y: { range: yRange ?? ((_u, _min, max) => [0, Math.max(1, max * 1.1)]) },
        },
        axes: [
          {
            ...axis,
            label: xLabel,
            // One tick (and grid line) per x value while they fit; then uPlot's, whole numbers only.
            ...(x.length <= 24 ? { splits: () => x } : {}),
            values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")),
          },
          { ...axis, values: (_u, splits) => splits.map((v) => formatRef.current(v)) },
        ],
        series: [
          { label: xLabel },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.kind === "bars" ? 0 : 2,
            fill: s.kind === "bars" ? s.color : undefined,
            points: { show: s.kind === "line" },
            value: (_u: uPlot, v: number | null) => (v === null ? "—" : formatRef.current(v)),
            ...(s.kind === "bars" && bars
              ? {
                  paths: s.colors
                    ? UPlot.paths.bars?.({
                        size: [0.6, 48],
                        disp: { fill: { unit: 3, values: () => s.colors as string[] } },
                      })
                    : bars,
                }
              : {}),
          })),
        ],
      };
      plot = new UPlot(options, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, element);
      observer = new ResizeObserver(() => plot?.setSize({ width: element.clientWidth, height }));
      observer.observe(element);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [x, series, xLabel, yRange, height]);

  const summary = series
    .map(
      (s) =>
        `${s.label}: ${x.map((v, i) => `${v}: ${s.values[i] === null ? "—" : format(s.values[i] as number)}`).join(", ")}`,
    )
    .join("; ");
  return (
    <figure className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <div
        ref={box}
        role="img"
        aria-label={`${title}. ${xLabel} ${summary}`}
        data-testid={testId}
        className="w-full text-slate-700 dark:text-slate-300"
        style={{ minHeight: height }}
      />
    </figure>
  );
}
