from bench import dataset, rod_export


def test_the_export_reports_its_periods_time_and_peak_memory(postgres):
    board = dataset.add_rod_board(25)
    result = rod_export.main(board.number)
    assert (result["periods"], result["exported"], result["held_back"], result["state"]) == (25, 25, 0, "ready")
    assert result["peak_rss_mb"] >= result["baseline_rss_mb"] > 0
