"""One year of a multi-regional input-output table, validated on construction."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from analysis.mrio.errors import MrioError

FloatArray = np.ndarray


class IOTable:
    r"""Intermediate flows ``Z`` and final demand ``F`` of one MRIO year.

    Parameters
    ----------
    Z : ndarray, shape (n, n)
        Intermediate flows, row = selling economy-sector, column = buying one, n = G * N,
        economy-major order (economy 1 sectors 1..N, economy 2 ...).
    F : ndarray, shape (n, G * fd_categories)
        Final demand, ``fd_categories`` columns per destination economy.
    economies, sectors : sequence of str
        Labels of the G economies and N sectors in table order.
    fd_categories : int
        Final-demand categories per economy (5 in ADB-MRIO and WIOD).
    year : int, optional
        Used in messages only.

    Notes
    -----
    Conventions that make the accounting identities exact (docs/methods.md, section 1):

    .. math:: x = Z 1 + F 1, \quad va = x - 1'Z, \quad A = Z \hat{x}^{-1}, \quad v = va / x

    ``A`` and ``v`` are defined wherever ``x != 0`` (also for negative x) and 0 where x = 0.
    """

    def __init__(
        self,
        Z: FloatArray,
        F: FloatArray,
        economies: Sequence[str],
        sectors: Sequence[str],
        fd_categories: int = 5,
        year: int | None = None,
    ) -> None:
        self.economies = [str(e) for e in economies]
        self.sectors = [str(s) for s in sectors]
        self.fd_categories = int(fd_categories)
        self.year = year
        self.G, self.N = len(self.economies), len(self.sectors)
        self.n = self.G * self.N
        # views are kept (a table cut from one [Z | F] block is not copied: 37 MB at 63
        # economies); numpy copies where a routine needs contiguous memory
        self.Z = np.asarray(Z, dtype=float)
        self.F = np.asarray(F, dtype=float)
        self._validate()

    # -- validation ---------------------------------------------------------------------
    def _where(self) -> str:
        return f"year {self.year}" if self.year is not None else "table"

    def _validate(self) -> None:
        n, width = self.n, self.G * self.fd_categories
        if len(set(self.economies)) != self.G:
            raise MrioError(f"{self._where()}: duplicated economy labels {self.economies}")
        if len(set(self.sectors)) != self.N:
            raise MrioError(f"{self._where()}: duplicated sector labels {self.sectors}")
        if self.Z.shape != (n, n):
            raise MrioError(f"{self._where()}: Z has shape {self.Z.shape}, expected {(n, n)}")
        if self.F.shape != (n, width):
            raise MrioError(f"{self._where()}: F has shape {self.F.shape}, expected {(n, width)}")
        for name, M in (("Z", self.Z), ("F", self.F)):
            bad = ~np.isfinite(M)
            if bad.any():
                i, j = np.argwhere(bad)[0]
                raise MrioError(
                    f"{self._where()}: non-finite {name}[{i}, {j}] = {M[i, j]} "
                    f"(row {self.row_label(i)})"
                )

    def row_label(self, i: int) -> str:
        """'PRC c14' for row (or column) ``i``."""
        g, s = divmod(int(i), self.N)
        return f"{self.economies[g]} {self.sectors[s]}"

    # -- labels -------------------------------------------------------------------------
    @cached_property
    def economy_index(self) -> np.ndarray:
        """Economy number (0..G-1) of every row."""
        return np.repeat(np.arange(self.G), self.N)

    @cached_property
    def economy_of_row(self) -> np.ndarray:
        return np.repeat(np.array(self.economies, dtype=object), self.N)

    @cached_property
    def sector_of_row(self) -> np.ndarray:
        return np.tile(np.array(self.sectors, dtype=object), self.G)

    # -- accounts -----------------------------------------------------------------------
    @cached_property
    def Y(self) -> FloatArray:
        """Final demand by destination economy, n x G (categories summed)."""
        return self.F.reshape(self.n, self.G, self.fd_categories).sum(axis=2)

    @cached_property
    def x(self) -> FloatArray:
        """Gross output ``x = Z 1 + F 1``."""
        return self.Z.sum(axis=1) + self.F.sum(axis=1)

    @cached_property
    def va(self) -> FloatArray:
        """Value added ``va = x - 1'Z``."""
        return self.x - self.Z.sum(axis=0)

    @cached_property
    def y(self) -> FloatArray:
        """Final goods output (all destinations)."""
        return self.Y.sum(axis=1)

    @cached_property
    def y_d(self) -> FloatArray:
        """Final goods absorbed by the producing economy's own final demand."""
        return self.Y[np.arange(self.n), self.economy_index]

    @cached_property
    def y_f(self) -> FloatArray:
        """Final goods exported, ``y - y_d``."""
        return self.y - self.y_d

    @cached_property
    def domestic_mask(self) -> np.ndarray:
        """Boolean n x n mask of the block-diagonal (domestic) part."""
        e = self.economy_index
        return e[:, None] == e[None, :]

    @cached_property
    def exports_intermediate(self) -> FloatArray:
        """Intermediate sales to other economies, ``sum_{r != s} Z_sr 1``: the row's sales to
        each economy (n x G block sums, no n x n temporary), its own economy's left out."""
        by_economy = self.Z.reshape(self.n, self.G, self.N).sum(axis=2)
        by_economy[np.arange(self.n), self.economy_index] = 0.0
        return by_economy.sum(axis=1)

    @cached_property
    def imported_inputs(self) -> FloatArray:
        """Intermediate inputs bought from other economies, ``sum_{r != s} 1'Z_rs``: the
        column's inputs from each economy (G x n block sums), its own economy's left out."""
        by_economy = self.Z.reshape(self.G, self.N, self.n).sum(axis=1)
        by_economy[self.economy_index, np.arange(self.n)] = 0.0
        return by_economy.sum(axis=0)

    @cached_property
    def exports(self) -> FloatArray:
        """Gross exports: intermediate plus final sales to other economies."""
        return self.exports_intermediate + self.y_f

    @cached_property
    def A(self) -> FloatArray:
        """Input coefficients ``Z diag(x)^-1`` (columns with x = 0 are 0)."""
        return self.coefficients(np.zeros((self.n, self.n)))

    def coefficients(
        self, out: FloatArray, rows: slice = slice(None), cols: slice = slice(None)
    ) -> FloatArray:
        """``A[rows, cols]`` written into ``out`` (zeros, the block's shape), not cached: a
        caller that needs the coefficients once, transformed, saves the n x n of :attr:`A`."""
        x = self.x[cols]
        return np.divide(self.Z[rows, cols], x[None, :], out=out, where=x[None, :] != 0)

    @cached_property
    def v(self) -> FloatArray:
        """Value-added coefficients ``va / x`` (0 where x = 0)."""
        return np.divide(self.va, self.x, out=np.zeros(self.n), where=self.x != 0)

    @cached_property
    def A_blocks(self) -> FloatArray:
        """Domestic blocks ``A_ss`` stacked, shape (G, N, N)."""
        N, blocks = self.N, np.zeros((self.G, self.N, self.N))
        for g in range(self.G):
            own = slice(g * N, (g + 1) * N)
            self.coefficients(blocks[g], own, own)
        return blocks
