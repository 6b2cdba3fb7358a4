"""Where and at which float precision the neural estimators compute.

``device`` is checked once per fit, so that a device this machine does not have
fails with an error naming the estimator parameter (torch would otherwise fail
deep inside the first transfer, e.g. with an ``AssertionError`` "Torch not
compiled with CUDA enabled"). ``precision`` selects the arithmetic of the
network's matrix products:

* ``"32"``: float32 everywhere (the default);
* ``"tf32"``: float32 tensors, matrix products on NVIDIA's TensorFloat-32 units
  (10-bit mantissa inputs, float32 accumulation); CUDA only;
* ``"bf16"``: the forward pass under :func:`torch.autocast` to bfloat16 (matrix
  products and activations in bfloat16), weights, gradients, optimizer state and
  losses in float32; on CPU and CUDA.
"""

from contextlib import ExitStack, contextmanager

import torch

PRECISIONS = ("32", "tf32", "bf16")


def check_device(device):
    """Return ``device`` as a :class:`torch.device` this machine can train on.

    Parameters
    ----------
    device : str or torch.device
        The estimator's ``device`` parameter.

    Returns
    -------
    device : torch.device
        The parsed device.

    Raises
    ------
    ValueError
        If torch does not know the device string, if it is ``"meta"`` (no data),
        or if the device type or index is not available on this machine.
    """
    shown = repr(str(device))
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(
            f"device={shown} is not a device torch knows ({error}); use e.g. "
            "device='cpu' or device='cuda'."
        ) from error
    if parsed.type == "cpu":
        return parsed
    if parsed.type == "meta":
        raise ValueError(
            f"device={shown} holds no data, so a network cannot be trained on "
            "it; use device='cpu' or device='cuda'."
        )
    backend = getattr(torch, parsed.type, None)
    is_available = getattr(backend, "is_available", None)
    if is_available is None or not is_available():
        raise ValueError(
            f"device={shown}: torch on this machine has no usable "
            f"{parsed.type!r} device (torch {torch.__version__}); use "
            "device='cpu' or run on a machine with that accelerator."
        )
    device_count = getattr(backend, "device_count", None)
    if parsed.index is not None and device_count is not None:
        if parsed.index >= device_count():
            raise ValueError(
                f"device={shown}: this machine has {device_count()} "
                f"{parsed.type!r} device(s), numbered from 0."
            )
    return parsed


def check_precision(precision, device):
    """Raise a ValueError if ``precision`` is unknown or not offered on ``device``.

    Parameters
    ----------
    precision : str
        The estimator's ``precision`` parameter.
    device : torch.device
        The training device.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision={precision!r} is not one of {list(PRECISIONS)}.")
    if precision == "tf32" and device.type != "cuda":
        raise ValueError(
            f"precision='tf32' uses the TensorFloat-32 matrix units of NVIDIA "
            f"GPUs, and device={str(device)!r} has none: use precision='32' or "
            "'bf16' there."
        )


def autocast(precision, device):
    """Return the autocast context of the forward pass (a no-op but for bf16).

    The autocast cache is off: a graph-captured step must not keep cast copies
    of the weights from one replay to the next.

    Parameters
    ----------
    precision : str
        One of :data:`PRECISIONS`.
    device : torch.device or str
        The device the forward pass runs on.
    """
    return torch.autocast(
        torch.device(device).type,
        dtype=torch.bfloat16,
        enabled=precision == "bf16",
        cache_enabled=False,
    )


@contextmanager
def matmul_precision(precision):
    """Allow TensorFloat-32 float32 matrix products for the block (``"tf32"``).

    torch's setting is process-wide; it is restored on exit.

    Parameters
    ----------
    precision : str
        One of :data:`PRECISIONS`; only ``"tf32"`` changes anything.
    """
    if precision != "tf32":
        yield
        return
    previous = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision("high")
    try:
        yield
    finally:
        torch.set_float32_matmul_precision(previous)


@contextmanager
def computing_at(precision, device):
    """Run the block at ``precision``: TF32 products and/or bf16 autocast.

    Parameters
    ----------
    precision : str
        One of :data:`PRECISIONS`.
    device : torch.device or str
        The device the block computes on.
    """
    if precision == "32":  # no context at all: a one-row predict stays cheap
        yield
        return
    with ExitStack() as stack:
        stack.enter_context(matmul_precision(precision))
        stack.enter_context(autocast(precision, device))
        yield
