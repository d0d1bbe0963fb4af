"""The per-attribute table of `tbps probe` results shared by the bench scripts (text-tower.sh,
text-tower-steps.sh): one row per attribute, a caption column and an image column per model, each
the mean probe accuracy over the runs with the majority baseline in brackets."""
import json
import statistics


def _attributes_of(path):
    return json.load(open(path))["attributes"]


def attributes(names, keys, probe_json):
    """Attribute names in the order they first appear in the runs' probe.json files."""
    attrs = []
    for n in names:
        for k in keys:
            for a in _attributes_of(probe_json(n, k)):
                if a["attribute"] not in attrs:
                    attrs.append(a["attribute"])
    return attrs


def print_table(names, keys, probe_json, attrs):
    """Prints the Markdown table over the runs `keys` of each model in `names`;
    probe_json(name, key) is the path of one run's probe.json."""
    print("| attribute | " + " | ".join(f"caption, {n}" for n in names) + " | "
          + " | ".join(f"image, {n}" for n in names) + " |")
    print("|---" * (1 + 2 * len(names)) + "|")
    for a in attrs:
        cells = []
        for side in ("text", "image"):
            for n in names:
                acc, maj = [], []
                for k in keys:
                    for x in _attributes_of(probe_json(n, k)):
                        if x["attribute"] == a and side in x:
                            acc.append(x[side]["accuracy"])
                            maj.append(x[side]["majority"])
                cells.append(f"{statistics.mean(acc):.1f} ({statistics.mean(maj):.1f})" if acc else "–")
        print(f"| {a} | " + " | ".join(cells) + " |")
