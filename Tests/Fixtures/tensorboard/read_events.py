"""Reads a TensorBoard log folder with TensorBoard's own reader and with tbparse, and prints
what they found as one JSON object, for the Swift tests to compare with what they wrote.

    python read_events.py LOGDIR

{"tbparse": {"scalars": [{"dir_name", "tag", "step", "value"}], "hparams": [{"dir_name", "tag", "value"}]},
 "runs": {"<run folder relative to LOGDIR, '' for the root>": {
     "fileVersion": 2.0 (TensorBoard's parse of the first event's "brain.Event:2"),
     "scalars": {"<tag>": [[step, value, wallTime], ...]},
     "hparams": {"<plugin tag>": <HParamsPluginData as a dict, proto field names>}}}}
"""
import json
import math
import os
import sys

from google.protobuf import json_format
from tbparse import SummaryReader
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2


def number(x):
    x = float(x)
    return None if math.isnan(x) else x


def plain(value):
    """A pandas cell as JSON: numpy scalars unwrapped, NaN as null."""
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (str, bool)) else number(value)


def read_run(path):
    accumulator = EventAccumulator(path, size_guidance={"scalars": 0, "tensors": 0})
    accumulator.Reload()
    scalars = {
        tag: [[event.step, number(event.value), event.wall_time] for event in accumulator.Scalars(tag)]
        for tag in accumulator.Tags()["scalars"]
    }
    hparams = {}
    for tag, content in accumulator.PluginTagToContent("hparams").items():
        data = plugin_data_pb2.HParamsPluginData.FromString(content)
        hparams[tag] = json_format.MessageToDict(data, preserving_proto_field_name=True)
    return {"fileVersion": accumulator.file_version, "scalars": scalars, "hparams": hparams}


def main(logdir):
    runs = {}
    for folder, _, files in os.walk(logdir):
        if any(name.startswith("events.out.tfevents.") for name in files):
            relative = os.path.relpath(folder, logdir)
            runs["" if relative == "." else relative] = read_run(folder)
    reader = SummaryReader(logdir, extra_columns={"dir_name"})
    scalars = [
        {"dir_name": row["dir_name"], "tag": row["tag"], "step": int(row["step"]), "value": number(row["value"])}
        for _, row in reader.scalars.iterrows()
    ]
    hparams = [
        {"dir_name": row["dir_name"], "tag": row["tag"],
         "value": plain(row["value"])}
        for _, row in reader.hparams.iterrows()
    ] if len(reader.hparams) else []
    json.dump({"tbparse": {"scalars": scalars, "hparams": hparams}, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
