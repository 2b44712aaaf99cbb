"""tf2onnx exports for the real-exports corpus: Keras applications (MobileNetV2 at width 0.35 and
ResNet50, random weights: no download) converted by tf2onnx.convert.from_function at opset 13
(tf2onnx's documented default range), NHWC inputs as Keras gives them.

    python export_tf.py OUT_DIR [--small] [--fixtures]   # --small: MobileNetV2 only; --fixtures: a tiny CNN (CI)
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf
import tf2onnx


def convert(model, size, out_dir, name, opset):
    spec = (tf.TensorSpec((None, size, size, 3), tf.float32, name="input"),)
    fn = tf.function(lambda x: model(x, training=False))
    path = os.path.join(out_dir, f"{name}.onnx")
    tf2onnx.convert.from_function(fn, input_signature=spec, opset=opset, output_path=path)
    return {
        "file": f"{name}.onnx",
        "converter": f"tf2onnx {tf2onnx.__version__} (tensorflow {tf.__version__})",
        "opset": opset,
        "data": {"input": [1, size, size, 3]},
    }


def tiny_cnn():
    """Conv/BatchNorm/ReLU6, a depthwise block and a Dense softmax head: MobileNet's layer kinds, small."""
    layers = tf.keras.layers
    x = inputs = tf.keras.Input((32, 32, 3))
    x = layers.ReLU(6.0)(layers.BatchNormalization()(layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(x)))
    x = layers.ReLU(6.0)(layers.BatchNormalization()(layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)))
    x = layers.BatchNormalization()(layers.Conv2D(16, 1, use_bias=False)(x))
    x = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    return tf.keras.Model(inputs, x)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    tf.random.set_seed(0)
    if "--fixtures" in sys.argv:
        return finish(out, [convert(tiny_cnn(), 32, out, "tf_cnn_tiny", 13)])
    made = [convert(tf.keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), weights=None, classes=100), 96, out, "tf_mobilenetv2", 13)]
    if "--small" not in sys.argv:
        made.append(convert(tf.keras.applications.ResNet50(weights=None, classes=1000), 224, out, "tf_resnet50", 15))
    finish(out, made)


def finish(out, made):
    for m in made:
        with open(os.path.join(out, m["file"].replace(".onnx", ".json")), "w") as f:
            json.dump(m, f, indent=1)
    print("\n".join(m["file"] for m in made))


if __name__ == "__main__":
    main()
