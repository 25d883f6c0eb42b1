import numpy as np


class NpzLoader(object):
    def __init__(self, path, shuffle=True):
        data = np.load(path)
        self.images, self.masks = data['images'], data['masks']
        self.shuffle = shuffle

    def next_batch(self, size):
        order = np.random.permutation(len(self.images)) if self.shuffle else np.arange(len(self.images))
        return self.images[order[:size]], self.masks[order[:size]]
