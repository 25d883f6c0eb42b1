"""Reads the annotation file and yields batches of images and target heat maps."""

import numpy as np


class DataGenerator(object):
    def __init__(self, img_dir, train_file):
        self.img_dir = img_dir
        self.train_file = train_file

    def generator(self, batch_size, sample="train"):
        while True:
            yield (np.zeros((batch_size, 256, 256, 3), np.float32),
                   np.zeros((batch_size, 64, 64, 16), np.float32))
