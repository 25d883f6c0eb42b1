"""A collection of GANs sharing one module of layer helpers; only some of them use its batch norm."""
