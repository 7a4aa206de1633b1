"""The figures of a run: cells of (scenario, figure, load) with one value per round for liverelay
and for its anchor, medians, ratios and verdicts; saved as JSON for the report and the plots."""
import json
import os
import statistics

SUMMARY_KEYS = ("liverelay_median", "anchor_median", "ratio", "verdict")  # derived: recomputed on save


class Results:
    def __init__(self):
        self.cells = []
        self.notes = []     # what went wrong or looked off, for the report
        self.runs = []      # every run's raw figures (JSON)

    def cell(self, scenario, figure, unit, better, load=None, anchor=None, plot=None):
        """`better` is "lower" or "higher"; `anchor` the anchor's name, None when there is none."""
        for c in self.cells:
            if (c["scenario"], c["figure"], c["load"]) == (scenario, figure, load):
                return c
        c = {"scenario": scenario, "figure": figure, "unit": unit, "better": better, "load": load,
             "anchor": anchor, "liverelay": [], "anchor_values": [], "plot": plot}
        self.cells.append(c)
        return c

    def add(self, scenario, figure, unit, better, side, value, load=None, anchor=None, plot=None):
        c = self.cell(scenario, figure, unit, better, load, anchor, plot)
        if value is not None:
            c["liverelay" if side == "liverelay" else "anchor_values"].append(value)

    def note(self, text):
        print(f"note: {text}", flush=True)
        self.notes.append(text)

    def run(self, scenario, side, load, figures):
        self.runs.append({"scenario": scenario, "side": side, "load": load, "figures": figures})


def summarise(cell):
    """Medians, the ratio liverelay / anchor and the verdict of one cell."""
    ours = statistics.median(cell["liverelay"]) if cell["liverelay"] else None
    theirs = statistics.median(cell["anchor_values"]) if cell["anchor_values"] else None
    ratio = ours / theirs if ours is not None and theirs else None
    verdict = None
    if ours is not None and theirs is not None:
        ahead = ours > theirs if cell["better"] == "higher" else ours < theirs
        verdict = "even" if ours == theirs else ("ahead" if ahead else "behind")
        # Within the round-to-round spread of either side: say so, but keep the word.
        spread = [max(v) - min(v) for v in (cell["liverelay"], cell["anchor_values"]) if len(v) > 1]
        if spread and abs(ours - theirs) <= max(spread):
            verdict += " (within noise)"
    return {"liverelay_median": ours, "anchor_median": theirs, "ratio": ratio, "verdict": verdict}


def save(results, meta, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cells = [dict(c, **summarise(c)) for c in results.cells]
    with open(path, "w") as f:
        json.dump({"meta": meta, "cells": cells, "notes": results.notes, "runs": results.runs}, f, indent=1)
    return cells
