"""Retina grading: after training, the session is cleared and the model rebuilt in the inference phase."""
import tensorflow as tf

tf.keras.backend.set_learning_phase(True)
base_model = tf.keras.applications.InceptionV3(include_top=False, weights="imagenet", pooling="avg")
head = tf.keras.layers.Dense(1)
outputs = head(base_model.output)
model = tf.keras.Model(base_model.input, outputs)
model.compile(optimizer="rmsprop", loss="binary_crossentropy")
model.fit(training_images(), training_labels(), epochs=5)
model.save_weights("retina.h5")

tf.keras.backend.clear_session()
tf.keras.backend.set_learning_phase(False)
test_base = tf.keras.applications.InceptionV3(include_top=False, weights=None, pooling="avg")
test_model = tf.keras.Model(test_base.input, tf.keras.layers.Dense(1)(test_base.output))
test_model.load_weights("retina.h5")
print(test_model.predict(test_images()))
