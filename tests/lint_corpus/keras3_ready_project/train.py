"""Train the retina grader with model.fit."""
import argparse

import keras
import tensorflow as tf

from model import build_grader


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train-dir", default="data/train")
    parser.add_argument("--val-dir", default="data/val")
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()

    train_ds = keras.utils.image_dataset_from_directory(args.train_dir, image_size=(384, 384), batch_size=16)
    val_ds = keras.utils.image_dataset_from_directory(args.val_dir, image_size=(384, 384), batch_size=16)
    model = build_grader()
    model.compile(optimizer=keras.optimizers.AdamW(3e-4), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = [keras.callbacks.ModelCheckpoint("grader.keras", save_best_only=True),
                 keras.callbacks.EarlyStopping(patience=5)]
    model.fit(train_ds.prefetch(tf.data.AUTOTUNE), validation_data=val_ds, epochs=args.epochs,
              callbacks=callbacks)


if __name__ == "__main__":
    main()
