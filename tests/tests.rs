mod tournament;
