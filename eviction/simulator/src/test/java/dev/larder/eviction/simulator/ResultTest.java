package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTest {

    @Test
    void poolingGivesTheMeanAndKeepsTheRange() {
        final Result pooled = Result.pool(List.of(Result.of(10, 100), Result.of(40, 100), Result.of(25, 100)));
        assertThat(pooled.percent()).isEqualTo(25.0);
        assertThat(pooled.low()).isEqualTo(10.0);
        assertThat(pooled.high()).isEqualTo(40.0);
        assertThat(pooled.runs()).isEqualTo(3);
    }

    @Test
    void poolingOneResultReturnsIt() {
        final Result one = new Result(7, 10, "held 11", "detail");
        assertThat(Result.pool(List.of(one))).isSameAs(one);
        assertThat(one.low()).isEqualTo(70.0).isEqualTo(one.high());
    }

    @Test
    void poolingJoinsDistinctNotesAndMarksTheDetail() {
        final Result pooled = Result.pool(List.of(new Result(1, 2, "held 5", "d"), new Result(1, 2, "held 5", ""),
            new Result(0, 2, "refused 1", "")));
        assertThat(pooled.note()).isEqualTo("held 5; refused 1");
        assertThat(pooled.detail()).isEqualTo("d (first of 3 runs)");
    }

    @Test
    void cellsPassTheRunNumberAndTheCapacity() {
        final Result[] cells = Simulator.cells(new int[] {10, 20}, 4, (capacity, run) -> Result.of(run, capacity));
        assertThat(cells).hasSize(2);
        final Result r = cells[0];
        assertThat(r.hits()).isEqualTo(0 + 1 + 2 + 3);
        assertThat(r.accesses()).isEqualTo(40);
        assertThat(r.low()).isEqualTo(0.0);
        assertThat(r.high()).isEqualTo(30.0);
        assertThat(cells[1].accesses()).isEqualTo(80);
        assertThat(cells[1].high()).isEqualTo(15.0);
    }

    @Test
    void runsMustBePositive() {
        assertThatThrownBy(() -> Simulator.Options.parse(List.of("--runs", "0", "--no-store", "multi1.trace.gz")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--runs");
    }
}
