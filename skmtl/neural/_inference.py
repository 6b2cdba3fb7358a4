"""The neural estimators' forward pass at predict time, in chunks of rows."""

import numpy as np
import scipy.sparse as sp
import torch

from skmtl.neural._device import computing_at
from skmtl.utils._chunks import MappedRows, chunk_n_rows
from skmtl.utils._threads import torch_threads

# Rows per forward pass at predict time: large enough to amortise the call
# overhead, small enough to bound the memory of the activations. A GPU needs
# larger batches to be busy, and has the memory for them.
_PREDICT_CHUNK = 8192
_PREDICT_CHUNK_ACCELERATOR = 65536
# A sparse X is densified one chunk of rows at a time: at most this many cells
# (16 MiB as float32), so a very wide X (TF-IDF) gets chunks of fewer rows.
_PREDICT_DENSE_CELLS = 2**22


class InferenceMixin:
    """``_forward``: the trained module on validated features, numpy out."""

    def _forward(self, features, task_index=None, *, representation=False):
        """Run the trained module on ``features`` in inference mode; numpy out."""
        module = self.net_.module_
        device = torch.device(self.net_.device)
        # Left in eval mode: skorch switches to train mode at every training step,
        # and toggling the mode at each call costs as much as a one-row forward.
        if module.training:
            module.eval()
        outputs = None
        chunk = _PREDICT_CHUNK if device.type == "cpu" else _PREDICT_CHUNK_ACCELERATOR
        sparse = sp.issparse(features)
        keep_sparse = sparse and module.architecture.sparse_input
        if sparse and not keep_sparse:
            chunk = max(1, min(chunk, _PREDICT_DENSE_CELLS // features.shape[1]))
        if isinstance(features, MappedRows):
            # Two chunks are alive at once (the next one is read before the
            # previous one is let go): both within scikit-learn's working_memory.
            chunk = min(chunk, chunk_n_rows(2 * features.row_bytes))
        precision = getattr(self.net_, "precision", "32")
        with (
            torch_threads(self.n_threads),
            torch.inference_mode(),
            computing_at(precision, device),
        ):
            for start in range(0, features.shape[0], chunk):
                rows = slice(start, start + chunk)
                if sparse:
                    X = _input_tensor(features[rows], device, keep_sparse)
                else:
                    X = torch.from_numpy(features[rows]).to(device)
                if representation:
                    out = module.architecture.shared_representation(X)
                else:
                    task = None
                    if task_index is not None:
                        task = torch.from_numpy(task_index[rows]).to(device)
                    out = module(X, task)
                # Written into one tensor on the device: one transfer, one sync
                # at the end. A list of the chunks' small outputs kept the heap
                # from reusing the chunks' freed activations (measured: 950 MiB
                # of resident memory for 31 MiB of outputs, 3.9M rows).
                if len(out) == features.shape[0]:
                    outputs = out  # one chunk: nothing to assemble
                    break
                if outputs is None:
                    shape = (features.shape[0], *out.shape[1:])
                    outputs = out.new_empty(shape, dtype=torch.float32)
                outputs[start : start + len(out)] = out
        outputs = outputs.float().cpu().numpy()
        _check_finite_outputs(
            outputs, classification=module.class_mask is not None and not representation
        )
        return outputs


def _check_finite_outputs(outputs, *, classification):
    """Raise a ValueError if the network's outputs hold NaN or infinity.

    A classifier's logits of the classes a task does not have are ``-inf`` by
    design; any other non-finite output means the features overflowed float32
    arithmetic (or the weights are not finite).
    """
    bad = np.isnan(outputs) | (outputs == np.inf)
    if not classification:
        bad |= outputs == -np.inf
    if bad.any():
        rows = np.flatnonzero(bad.reshape(len(outputs), -1).any(axis=1))
        raise ValueError(
            f"The network's outputs are non-finite for {len(rows)} rows (e.g. row "
            f"{int(rows[0])}): their features are too large for the network's "
            "float32 arithmetic. Scale the features as in training (e.g. "
            "StandardScaler in a Pipeline)."
        )


def _input_tensor(features, device, keep_sparse):
    """Return the rows ``features`` (an array or a sparse matrix) as a tensor.

    A sparse matrix becomes a sparse COO tensor when ``keep_sparse`` (the
    architecture takes one), else it is densified.
    """
    if not sp.issparse(features):
        return torch.from_numpy(np.asarray(features)).to(device)
    if not keep_sparse:
        return torch.from_numpy(features.toarray()).to(device)
    coo = features.tocoo()
    indices = np.vstack([coo.row, coo.col]).astype(np.int64)
    return torch.sparse_coo_tensor(
        torch.from_numpy(indices),
        torch.from_numpy(coo.data),
        coo.shape,
        check_invariants=False,  # valid by construction (SciPy's own arrays)
    ).to(device)
