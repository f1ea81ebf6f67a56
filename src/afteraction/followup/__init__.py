"""Follow-through: action items across postmortems, tracked to done."""
