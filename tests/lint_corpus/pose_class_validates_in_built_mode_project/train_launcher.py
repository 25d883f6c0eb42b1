"""Builds the model for training from the configuration file and runs the training loop."""

import configparser

from datagen import DataGenerator
from hourglass import HourglassModel

config = configparser.ConfigParser()
config.read("config.cfg")
dataset = DataGenerator(config["DataSetHG"]["img_directory"], config["DataSetHG"]["training_txt_file"])
model = HourglassModel(n_feat=int(config["Network"]["nfeats"]), dataset=dataset, training=True)
model.generate_model()
model.train(epochs=int(config["Train"]["nepochs"]))
