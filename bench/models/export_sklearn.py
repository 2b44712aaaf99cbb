"""skl2onnx and onnxmltools exports for the real-exports corpus, trained for a few seconds on a
synthetic tabular task (20 features, 5 classes):

- skl_mlp: Pipeline(StandardScaler, MLPClassifier) by skl2onnx with zipmap off (MatMul layers:
  something to quantize), opset 17;
- skl_mlp_zipmap: the same with skl2onnx's default ZipMap output (a sequence of maps: probabilities
  that are not a tensor);
- skl_mlp_double: the same network converted for float64 inputs (DoubleTensorType), as
  skl2onnx does for pipelines that must match scikit-learn to the last digit;
- skl_logreg: LogisticRegression (ai.onnx.ml LinearClassifier, nothing quantgate quantizes);
- lgbm: a LightGBM classifier by onnxmltools (ai.onnx.ml TreeEnsembleClassifier), opset 15.

    python export_sklearn.py OUT_DIR [--fixtures]    # --fixtures: smaller networks and forests (CI)
"""
import json
import os
import sys

import lightgbm
import numpy as np
import onnx
import onnxmltools
import skl2onnx
import sklearn
from onnxmltools.convert.common.data_types import FloatTensorType as MlFloatTensorType
from skl2onnx import to_onnx
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

OPSET = 17


def save(model, out_dir, name, converter, opset):
    with open(os.path.join(out_dir, f"{name}.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    elem = model.graph.input[0].type.tensor_type.elem_type
    meta = {"file": f"{name}.onnx", "converter": converter, "opset": opset, "data": {model.graph.input[0].name: [1, 20]},
            "dtype": "float64" if elem == onnx.TensorProto.DOUBLE else "float32"}
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    x, y = make_classification(n_samples=2000, n_features=20, n_informative=12, n_classes=5, random_state=0)
    x = x.astype(np.float32)
    skl = f"skl2onnx {skl2onnx.__version__} (scikit-learn {sklearn.__version__})"
    made = []
    tiny = "--fixtures" in sys.argv
    hidden, trees = ((16, 8), 4) if tiny else ((64, 32), 30)
    mlp = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=hidden, max_iter=200, random_state=0)).fit(x, y)
    types = [("input", FloatTensorType([None, 20]))]
    made.append(save(to_onnx(mlp, initial_types=types, target_opset={"": OPSET, "ai.onnx.ml": 3}, options={"zipmap": False}), out, "skl_mlp", skl, OPSET))
    made.append(save(to_onnx(mlp, initial_types=types, target_opset={"": OPSET, "ai.onnx.ml": 3}), out, "skl_mlp_zipmap", skl, OPSET))
    double = [("input", DoubleTensorType([None, 20]))]
    made.append(save(to_onnx(mlp, initial_types=double, target_opset={"": OPSET, "ai.onnx.ml": 3}, options={"zipmap": False}), out, "skl_mlp_double", skl, OPSET))
    logreg = LogisticRegression(max_iter=500).fit(x, y)
    made.append(save(to_onnx(logreg, initial_types=types, target_opset={"": OPSET, "ai.onnx.ml": 3}, options={"zipmap": False}), out, "skl_logreg", skl, OPSET))
    lgbm = lightgbm.LGBMClassifier(n_estimators=trees, num_leaves=15, random_state=0, n_jobs=1, deterministic=True, verbose=-1).fit(x, y)
    # onnxmltools' LightGBM converter goes up to opset 15.
    onx = onnxmltools.convert_lightgbm(lgbm, initial_types=[("input", MlFloatTensorType([None, 20]))], target_opset=15, zipmap=False)
    made.append(save(onx, out, "lgbm", f"onnxmltools {onnxmltools.__version__} (lightgbm {lightgbm.__version__})", 15))
    print("\n".join(m["file"] for m in made))


if __name__ == "__main__":
    main()
